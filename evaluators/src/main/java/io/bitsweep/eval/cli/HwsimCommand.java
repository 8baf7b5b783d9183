package io.bitsweep.eval.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.hw.WorkloadAdapter;
import io.bitsweep.eval.io.AtomicFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.CsvReporter;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.TableReporter;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep hwsim --model FILE --target conf/hw/X.conf [--uniform SPEC] [--ideal-memory] [--csv FILE]}: the
 * per-layer and total cycles, stalls, memory traffic and energy of a model on a hardware target (docs/HWSIM.md).
 */
@Command(name = "hwsim", mixinStandardHelpOptions = true,
        description = {"Simulate a model on a hardware target: per layer MACs, compute and stall cycles, SRAM and DRAM "
                + "bytes, energy (compute/SRAM/DRAM) and utilization, then totals, latency and the memory footprint "
                + "against the target's memories.",
            "CSV columns (--csv): layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,"
                + "energy_pj; one row per layer, then a row 'total'."})
public final class HwsimCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The .tflite model.")
    Path model;

    @Option(names = "--target", required = true, paramLabel = "TARGET",
            completionCandidates = ShippedTargets.class,
            description = "A target file (conf/hw/X.conf) or a shipped target name: ${COMPLETION-CANDIDATES}.")
    String target;

    @Option(names = "--uniform", paramLabel = "SPEC", defaultValue = "int8",
            description = "Number format of every layer's weights and activations (default ${DEFAULT-VALUE}); "
                    + "WEIGHTS,ACTIVATIONS to set them apart, e.g. int4,int8 or bfp:m4:b16,int8.")
    String uniform;

    @Option(names = "--ideal-memory", description = "No stall cycles: DRAM is never slower than compute.")
    boolean idealMemory;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the per-layer costs as CSV (atomic).")
    Path csv;

    @Spec
    CommandSpec spec;

    /** The shipped target names, for --help and shell completion. */
    static final class ShippedTargets implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Targets.SHIPPED.iterator();
        }
    }

    @Override
    public Integer call() {
        Target t = Targets.load(target);
        Model m = TfliteImporter.load(model);
        String[] parts = uniform.split(",", -1);
        if (parts.length > 2) {
            throw new BitSweepException("--uniform " + uniform + ": give SPEC or WEIGHTS,ACTIVATIONS");
        }
        NumberFormat weights = NumberFormat.parse(parts[0].trim(), "--uniform weights");
        NumberFormat activations = NumberFormat.parse(parts[parts.length - 1].trim(), "--uniform activations");
        Workload w = WorkloadAdapter.build(m, WorkloadAdapter.uniform(weights, activations));
        SimulationReport report = t.simulate(w, ActivationStats.NONE, idealMemory);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("model %s, weights %s, activations %s%s%n", m.source(), weights.spec(), activations.spec(),
                idealMemory ? ", ideal memory" : "");
        out.print(new TableReporter().format(report));
        if (csv != null) {
            AtomicFiles.writeString(csv, new CsvReporter().format(report));
            out.println("csv: " + csv);
        }
        out.flush();
        return 0;
    }
}
