package io.bitsweep.hwsim.bench;

import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.ResNet8Shapes;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to simulate one whole ResNet-8 workload (14 layers, per-channel mixed precision drawn from {0,2,4,8}) on each
 * kind of target. The budget is 1 ms per workload (issue 4). Run: see docs/PERFORMANCE.md, section hw-sim.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SimulateResNet8Benchmark {

    @Param({"systolic-16x16-os", "systolic-32x32-ws", "mpic", "stripes-16x16-os"})
    public String target;

    private Target t;
    private Workload workload;
    private ActivationStats stats;

    @Setup
    public void setUp() {
        t = Targets.load(target);
        Random rnd = new Random(7);
        int[] widths = {0, 2, 4, 8};
        List<Layer> layers = new ArrayList<>();
        ActivationStats.Builder sb = ActivationStats.builder();
        for (Layer l : ResNet8Shapes.workload().layers()) {
            if (l.op().hasWeights()) {
                int[] bits = new int[l.outC()];
                for (int c = 0; c < bits.length; c++) {
                    bits[c] = widths[rnd.nextInt(widths.length)];
                }
                l = l.withWeightBits(bits);
            }
            layers.add(l);
            sb.put(l.name(), 0.4, 5.5, 200);
        }
        workload = new Workload("ic-resnet8", layers);
        stats = sb.build();
    }

    @Benchmark
    public SimulationReport simulate() {
        return t.simulate(workload, stats, false);
    }
}
