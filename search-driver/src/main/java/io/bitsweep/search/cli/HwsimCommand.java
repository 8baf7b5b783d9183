package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
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
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.CsvReporter;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep hwsim --model FILE --target conf/hw/X.conf [--assignment A.json | --uniform SPEC]
 * [--data DIR|SHARDS [--limit N]] [--ideal-memory] [--csv FILE]}: the
 * per-layer and total cycles, stalls, memory traffic and energy of a model on a hardware target (docs/HWSIM.md).
 */
@Command(name = "hwsim", mixinStandardHelpOptions = true,
        description = {"Simulate a model on a hardware target: per layer MACs, compute and stall cycles, SRAM and DRAM "
                + "bytes, energy (compute/SRAM/DRAM) and utilization, then totals, latency and the memory footprint "
                + "against the target's memories.",
            "CSV columns (--csv): layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,"
                + "energy_pj; one row per layer, then a row 'total'."})
public final class HwsimCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .tflite or .onnx model.")
    Path model;

    @Option(names = "--target", required = true, paramLabel = "TARGET",
            completionCandidates = ShippedTargets.class,
            description = "A target file (conf/hw/X.conf) or a shipped target name: ${COMPLETION-CANDIDATES}.")
    String target;

    /** What the weights and activations are: an assignment file or one uniform spec (exclusive). */
    static final class Formats {
        @Option(names = "--assignment", paramLabel = "A.json",
                description = "Per-layer and per-channel formats (bitsweep.assignment/1, docs/ASSIGNMENT.md): "
                        + "per-channel weights ('pruned' costs nothing), per-layer activations, BFP block sizes; "
                        + "costed exactly as the search's cost model.")
        Path assignment;

        @Option(names = "--uniform", paramLabel = "SPEC",
                description = "Number format of every layer's weights and activations (default int8); "
                        + "WEIGHTS,ACTIVATIONS to set them apart, e.g. int4,int8 or bfp:m4:b16,int8.")
        String uniform;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Formats formats;

    @Option(names = "--data", paramLabel = "DIR|SHARDS",
            description = "Gather activation statistics on these data with the exact engine (data-dependent targets "
                    + "only): an MLPerf Tiny .bin directory, a shard directory or one shard file. The model is "
                    + "calibrated on the first " + Quantizer.DEFAULT_CALIBRATION_SAMPLES + " samples, as eval does.")
    Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "With --data: at most N samples (default: all).")
    int limit;

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
            throw new BitSweepException("--limit must be at least 0, got " + limit);
        }
        if (limit > 0 && data == null) {
            throw new BitSweepException("--limit needs --data");
        }
        Target t = Targets.load(target);
        Model m = ModelFiles.load(model);
        Assignment a;
        String source;
        Workload w;
        String formatsLine;
        if (formats != null && formats.assignment != null) {
            source = formats.assignment.toString();
            a = AssignmentJson.read(formats.assignment);
            w = WorkloadAdapter.build(m, LayerPrecisions.of(QuantPlan.resolve(a, m, source)));
            formatsLine = "assignment " + source;
        } else {
            String spec = formats != null && formats.uniform != null ? formats.uniform : "int8";
            String[] parts = spec.split(",", -1);
            if (parts.length > 2) {
                throw new BitSweepException("--uniform " + spec + ": give SPEC or WEIGHTS,ACTIVATIONS");
            }
            NumberFormat weights = NumberFormat.parse(parts[0].trim(), "--uniform weights");
            NumberFormat activations = NumberFormat.parse(parts[parts.length - 1].trim(), "--uniform activations");
            source = "--uniform";
            a = Assignment.uniform(weights, activations);
            w = WorkloadAdapter.build(m, WorkloadAdapter.uniform(weights, activations));
            formatsLine = "weights " + weights.spec() + ", activations " + activations.spec();
        }
        PrintWriter err = spec.commandLine().getErr();
        ActivationStats stats = activationStats(t, m, a, source, err);
        SimulationReport report = t.simulate(w, stats, idealMemory);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s, %s%s%n", m.source(), formatsLine, idealMemory ? ", ideal memory" : "");
        out.print(new TableReporter().format(report));
        if (csv != null) {
            AtomicFiles.writeString(csv, new CsvReporter().format(report));
            out.println("csv: " + csv);
        }
        out.flush();
        return 0;
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
