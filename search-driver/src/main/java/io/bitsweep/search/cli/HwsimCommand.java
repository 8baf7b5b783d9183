package io.bitsweep.search.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.io.AtomicFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.QuantPlan;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.CsvReporter;
import io.bitsweep.hwsim.LayerCost;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.TableReporter;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import io.bitsweep.search.hw.ActivationStatsLayout;
import io.bitsweep.search.hw.LayerPrecisions;
import io.bitsweep.search.hw.WorkloadAdapter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep hwsim --model FILE --target conf/hw/X.conf [--assignment A.json | --uniform w=SPEC,a=SPEC]
 * [--fusion none|residual] [--data DIR|SHARDS [--limit N]] [--ideal-memory] [--csv FILE] [--json]}: the per-layer
 * and total cycles (compute, requantization, stall), memory traffic and energy of a model on a hardware target,
 * costed as the exact engine runs the assignment (docs/HWSIM.md).
 */
@Command(name = "hwsim", mixinStandardHelpOptions = true,
        description = {"Simulate a model on a hardware target: per layer MACs, compute, requantization and stall "
                + "cycles, SRAM and DRAM bytes, energy (compute/requantization/SRAM/DRAM) and utilization, then "
                + "totals, latency and the memory footprint against the target's memories. The model is costed as "
                + "the exact engine runs it: power-of-two scales (:pot) requantize by shifts, fused residual ADDs "
                + "in their conv's output stage.",
            "CSV columns (--csv): " + CsvReporter.HEADER + "; one row per layer, then a row 'total'; total_cycles ="
                + " compute_cycles + requant_cycles + stall_cycles."})
public final class HwsimCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = EvalCommand.MODEL_DESCRIPTION)
    Path model;

    @Option(names = "--target", required = true, paramLabel = "TARGET",
            completionCandidates = ShippedTargets.class,
            description = "A target file (conf/hw/X.conf) or a shipped target name: ${COMPLETION-CANDIDATES}.")
    String target;

    /** What the weights and activations are: an assignment file or one uniform spec (exclusive). */
    static final class Formats {
        @Option(names = "--assignment", paramLabel = "A.json",
                description = EvalCommand.ASSIGNMENT_DESCRIPTION + " Costed exactly as the search's cost model "
                        + "('pruned' channels cost nothing).")
        Path assignment;

        @Option(names = "--uniform", paramLabel = "w=SPEC,a=SPEC",
                description = "Every layer's weight and activation format (default int8): w=SPEC,a=SPEC (a key left "
                        + "out is int8), SPEC for both, or WEIGHTS,ACTIVATIONS; e.g. w=int8,a=int8, int4,int8, "
                        + "bfp:m4:b16,int8 (the same grammar and assignment as eval: the model input stays "
                        + "int8:asym).")
        String uniform;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Formats formats;

    @Option(names = "--fusion", paramLabel = "none|residual",
            description = "Residual ADDs fused into the accumulator of the conv feeding them (residual) or not "
                    + "(none), as 'eval --fusion'; overrides the assignment's \"fusion\" key (default: the "
                    + "assignment's, else none).")
    String fusion;

    @Option(names = "--data", paramLabel = "DIR|SHARDS",
            description = EvalCommand.DATA_DESCRIPTION + " Hwsim gathers activation statistics on it with the exact "
                    + "engine (data-dependent targets only), calibrated on the first "
                    + Quantizer.DEFAULT_CALIBRATION_SAMPLES + " samples, as eval does.")
    Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "With --data: at most N samples (default: all).")
    int limit;

    @Option(names = "--json", description = "Print one JSON document (bitsweep.hwsim/1) on stdout instead of the "
            + "table.")
    boolean json;

    @Option(names = "--ideal-memory", description = "No stall cycles: DRAM is never slower than compute.")
    boolean idealMemory;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the per-layer costs as CSV (atomic).")
    Path csv;

    @Spec
    CommandSpec spec;

    /** The shipped target names, for --help and shell completion. */
    static final class ShippedTargets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Targets.SHIPPED.iterator();
        }
    }

    @Override
    public Integer call() {
        if (limit < 0) {
            throw UsageError.of(spec, "--limit must be at least 0, got " + limit);
        }
        if (limit > 0 && data == null) {
            throw UsageError.of(spec, "--limit needs --data");
        }
        Target t = Targets.load(target);
        Model m = ModelFiles.load(model);
        Assignment a;
        String source;
        String formatsLine;
        if (formats != null && formats.assignment != null) {
            source = formats.assignment.toString();
            a = AssignmentJson.read(formats.assignment);
            formatsLine = "assignment " + source;
        } else {
            a = OptionValues.uniform(spec, formats != null && formats.uniform != null ? formats.uniform : "int8");
            source = "--uniform";
            formatsLine = "weights " + a.defaultWeights().spec() + ", activations " + a.defaultActivations().spec();
        }
        if (fusion != null) {
            a = a.withSettings(a.settings().withFusion(OptionValues.choice(spec, QuantSettings.Fusion.class, fusion,
                    "--fusion")));
        }
        LayerPrecisions precisions = LayerPrecisions.of(m, QuantPlan.resolve(a, m, source));
        Workload w = WorkloadAdapter.build(m, precisions);
        if (!precisions.residualFusions().isEmpty()) {
            formatsLine += ", fused " + precisions.residualFusions().entrySet().stream()
                    .map(e -> e.getKey() + " into " + e.getValue()).collect(Collectors.joining(", "));
        }
        PrintWriter err = spec.commandLine().getErr();
        ActivationStats stats = activationStats(t, m, a, source, err);
        SimulationReport report = t.simulate(w, stats, idealMemory);
        PrintWriter out = spec.commandLine().getOut();
        if (csv != null) {
            AtomicFiles.writeString(csv, new CsvReporter().format(report));
        }
        if (json) {
            JsonOutput.print(out, document(m, a, source, precisions.residualFusions(), report));
        } else {
            out.printf("model %s, %s%s%n", m.source(), formatsLine, idealMemory ? ", ideal memory" : "");
            out.print(new TableReporter().format(report));
            if (csv != null) {
                out.println("csv: " + csv);
            }
        }
        out.flush();
        return 0;
    }

    /**
     * --json: the table's numbers, one object per layer (hw-sim's LayerCost, every field, snake_case, plus
     * total_cycles and energy_pj), the fusion and its fused pairs (residual_fusions, ADD to conv, as in eval), the
     * totals, latency, memory footprint and violations.
     */
    private ObjectNode document(Model m, Assignment a, String source, Map<String, String> fused,
            SimulationReport report) {
        ObjectMapper mapper = JsonOutput.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        ObjectNode doc = mapper.createObjectNode();
        doc.put("schema", "bitsweep.hwsim/1");
        doc.put("model", m.source());
        doc.put("target", report.target());
        if (source.equals("--uniform")) {
            doc.putObject("uniform").put("weights", a.defaultWeights().spec())
                    .put("activations", a.defaultActivations().spec());
        } else {
            doc.put("assignment", source);
        }
        doc.put("fusion", Choices.word(a.settings().fusion()));
        doc.set("residual_fusions", mapper.valueToTree(fused));
        doc.put("ideal_memory", idealMemory);
        ArrayNode layers = doc.putArray("layers");
        for (LayerCost l : report.layers()) {
            ObjectNode o = mapper.valueToTree(l);
            o.put("op", l.op().label()).put("total_cycles", l.totalCycles()).put("energy_pj", l.energyPj());
            layers.add(o);
        }
        doc.putObject("total").put("macs", report.macs()).put("compute_cycles", report.computeCycles())
                .put("requant_elements", report.requantElements()).put("requant_cycles", report.requantCycles())
                .put("stall_cycles", report.stallCycles()).put("total_cycles", report.totalCycles())
                .put("sram_bytes", report.sramBytes()).put("dram_bytes", report.dramBytes())
                .put("requant_energy_pj", report.requantPj()).put("energy_pj", report.energyPj());
        doc.put("latency_seconds", report.latencySeconds());
        doc.set("footprint", mapper.valueToTree(report.footprint()));
        doc.set("violations", mapper.valueToTree(report.violations()));
        if (csv != null) {
            doc.put("csv", csv.toString());
        }
        return doc;
    }

    /**
     * The statistics of the candidate's activations on --data, gathered as the search gathers them (the exact
     * engine on the quantized model, summed in {@link ActivationStatsLayout}), or none: static cost.
     */
    private ActivationStats activationStats(Target t, Model m, Assignment a, String source, PrintWriter err) {
        if (!t.dataDependent()) {
            if (data != null) {
                err.println("hwsim: target " + t.name() + " is not data-dependent; --data is not used");
            }
            return ActivationStats.NONE;
        }
        if (data == null) {
            err.println("hwsim: target " + t.name() + " is data-dependent but no --data was given: static cost "
                    + "(no zero skipping, full activation width)");
            return ActivationStats.NONE;
        }
        Dataset ds = Datasets.open(data);
        ProgramSpec q = Quantizer.quantize(m, a, source, ds, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
        int n = limit > 0 ? Math.min(limit, ds.size()) : ds.size();
        ActivationStatsLayout layout = new ActivationStatsLayout(m);
        long[] sums;
        try (ExactPredictor predictor = new ExactPredictor(q.withOptions(q.options().withStatistics(true)))) {
            float[] input = new float[ds.inputSize()];
            float[] result = new float[predictor.outputSize()];
            for (int s = 0; s < n; s++) {
                for (int win = 0; win < ds.inputsPerSample(); win++) {
                    ds.input(s, win, input);
                    predictor.predict(input, result);
                }
            }
            sums = ActivationStatsLayout.sums(layout.layers(), predictor.program().statistics());
        }
        err.printf("hwsim: activation statistics of %d samples of %s (data sha256 %s)%n", n, data, ds.sha256());
        return layout.toHwSim(sums);
    }
}
