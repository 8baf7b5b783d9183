package io.bitsweep.search.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep profile}: the sensitivity profile of a search config alone, into a run directory that
 * {@code bitsweep search --resume} continues without profiling again.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Run a search config's sensitivity profile alone (one Spark job): for every layer and every "
                + "format its space allows, the accuracy and loss with that layer alone at that format, and each "
                + "channel's quantization error energy. Writes run.json, splits.json and sensitivity.parquet into "
                + "--out and prints the table (--json: one JSON document); 'bitsweep search --config ... --out DIR "
                + "--resume' then searches from it.")
public final class ProfileCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--json", description = "Print one JSON document (baseline, every probe, per-channel error "
            + "energies, the resume command) instead of the table; progress and summary lines go to stderr.")
    boolean json;

    @ParentCommand
    BitSweepCli root;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SearchSettings settings = run.settings(List.of("profile.mode=on"));
        String out = run.out(false);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter lines = json ? spec.commandLine().getErr() : stdout;
        boolean verbose = root != null && root.verbose;
        SearchJob.Profiled p;
        TerminalLines bar = run.bar();
        try (TerminalLogRouting logs = TerminalLogRouting.forProgress(bar, verbose);
             SearchCommand.ProgressReporter progress = new SearchCommand.ProgressReporter(lines, bar)) {
            p = SearchJob.profile(settings, new SearchJob.Options(out, false, run.master, verbose, null), progress);
        }
        String resume = "bitsweep search --config " + run.config + " --out " + out + " --resume";
        if (json) {
            stdout.println(json(p.profile(), p.space(), out, resume));
        } else {
            print(stdout, p.profile(), p.space());
            stdout.println("profile: " + out + "/sensitivity.parquet; continue with: " + resume);
        }
        stdout.flush();
        return 0;
    }

    /** The profile as one JSON document for scripts: what the table shows, absolute values and the energies too. */
    static String json(SensitivityProfile p, SearchSpace space, String out, String resume) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "bitsweep.profile/1");
        root.put("run", out);
        root.put("sensitivity", out + "/sensitivity.parquet");
        root.put("resume", resume);
        measured(root.putObject("baseline"), p.baseline());
        ArrayNode probes = root.putArray("probes");
        ObjectNode energy = JSON.createObjectNode();
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            for (int f = 1; f < ls.weights().size(); f++) {
                probe(probes, ls, "weights", ls.weights().get(f).spec(), p.weights(l, f), p);
            }
            for (int a = 1; a < ls.activations().size(); a++) {
                probe(probes, ls, "activations", ls.activations().get(a).spec(), p.activations(l, a), p);
            }
            if (p.hasChannelEnergy()) {
                ObjectNode layer = energy.putObject(ls.layer().name());
                for (int f = 0; f < ls.weights().size(); f++) {
                    ArrayNode channels = layer.putArray(ls.weights().get(f).spec());
                    for (int c = 0; c < ls.layer().outChannels(); c++) {
                        channels.add(p.channelEnergy(l, f, c));
                    }
                }
            }
        }
        root.set("channel_error_energy", p.hasChannelEnergy() ? energy : JSON.nullNode());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the profile as JSON", e);
        }
    }

    private static void probe(ArrayNode probes, LayerSpace ls, String kind, String format,
                              SensitivityProfile.Measured m, SensitivityProfile p) {
        ObjectNode o = probes.addObject();
        o.put("layer", ls.layer().name());
        o.put("kind", kind);
        o.put("format", format);
        measured(o, m);
        o.put("d_quality", m.quality() - p.baseline().quality());
        o.put("d_loss", m.lossMean() - p.baseline().lossMean());
    }

    private static void measured(ObjectNode o, SensitivityProfile.Measured m) {
        o.put("samples", m.samples());
        o.put("quality", m.quality());
        o.put("loss_mean", m.lossMean());
    }

    /** One line per probe: layer, what changed, the metric and loss change against the baseline. */
    private static void print(PrintWriter out, SensitivityProfile p, SearchSpace space) {
        out.printf(Locale.ROOT, "baseline: quality %.4f, loss %.4f on %d samples%n", p.baseline().quality(),
                p.baseline().lossMean(), p.baseline().samples());
        out.printf(Locale.ROOT, "%-24s %-12s %-14s %10s %10s%n", "layer", "kind", "format", "d_quality", "d_loss");
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            for (int f = 1; f < ls.weights().size(); f++) {
                row(out, ls, "weights", ls.weights().get(f).spec(), p.weights(l, f), p);
            }
            for (int a = 1; a < ls.activations().size(); a++) {
                row(out, ls, "activations", ls.activations().get(a).spec(), p.activations(l, a), p);
            }
        }
    }

    private static void row(PrintWriter out, LayerSpace ls, String kind, String format,
                            SensitivityProfile.Measured m, SensitivityProfile p) {
        out.printf(Locale.ROOT, "%-24s %-12s %-14s %+10.4f %+10.4f%n", ls.layer().name(), kind, format,
                m.quality() - p.baseline().quality(), m.lossMean() - p.baseline().lossMean());
    }
}
