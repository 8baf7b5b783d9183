package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * At 8 bits with 1 MAC per PE per cycle and ideal memory, compute cycles equal SCALE-Sim's compute model
 * (ARCHITECTURE.md, "Hardware simulation") for OS, WS and IS, to the cycle, on every weighted layer of ResNet-8.
 */
class ScaleSimEqualityTest {

    /** SCALE-Sim's compute cycles, written out from the spec independently of SystolicTarget. */
    static long scaleSim(String dataflow, int r, int c, Layer l) {
        long e = (long) l.outH() * l.outW();
        long k = l.op() == OpKind.FC ? l.inC() : (long) l.kh() * l.kw() * l.inC();
        long m = l.outC();
        return switch (dataflow) {
            case "os" -> ceil(e, r) * ceil(m, c) * (k + r + c - 2) - 1;
            case "ws" -> ceil(k, r) * ceil(m, c) * (2L * r + c + e - 2) - 1;
            case "is" -> ceil(k, r) * ceil(e, c) * (2L * r + c + m - 2) - 1;
            default -> throw new IllegalArgumentException(dataflow);
        };
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** An 8-bit-only array: one precision mode, 1 MAC per PE per cycle. */
    static Target plainArray(int rows, int cols, String dataflow) {
        return Targets.fromConfig("test", "plain", ConfigFactory.parseString(
                "target { kind = systolic, rows = " + rows + ", cols = " + cols + ", dataflow = " + dataflow
                        + ", precision-modes = [ { act = 8, weight = 8, macs-per-cycle = 1,"
                        + " energy-pj-per-mac = 0.3 } ] }"));
    }

    @ParameterizedTest(name = "{0}x{1} {2}")
    @CsvSource({"16,16,os", "16,16,ws", "16,16,is", "32,32,os", "32,32,ws", "32,32,is", "8,4,os", "8,4,ws", "8,4,is",
        "4,12,os", "4,12,ws", "4,12,is"})
    void computeCyclesEqualScaleSimOnResNet8(int rows, int cols, String dataflow) {
        Workload w = ResNet8Shapes.workload();
        SimulationReport report = plainArray(rows, cols, dataflow).simulate(w, ActivationStats.NONE, true);
        int weighted = 0;
        for (Layer l : w.layers()) {
            if (l.op().hasWeights() && l.op() != OpKind.DEPTHWISE) {
                LayerCost cost = report.layer(l.name());
                assertEquals(scaleSim(dataflow, rows, cols, l), cost.computeCycles(), l.name());
                assertEquals(0, cost.stallCycles(), l.name() + " stalls with ideal memory");
                weighted++;
            }
        }
        assertEquals(10, weighted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"systolic-16x16-os,os,16", "systolic-16x16-ws,ws,16", "systolic-32x32-os,os,32",
        "systolic-32x32-ws,ws,32"})
    void shippedBitFusionTargetsRunInt8AtOneMacPerPe(String target, String dataflow, int size) {
        Workload w = ResNet8Shapes.workload();
        SimulationReport report = Targets.load(target).simulate(w, ActivationStats.NONE, true);
        for (Layer l : w.layers()) {
            if (l.op().hasWeights()) {
                assertEquals(scaleSim(dataflow, size, size, l), report.layer(l.name()).computeCycles(), l.name());
            }
        }
    }

    @Test
    void handWorkedFirstLayer() {
        // conv_2d_0 on 16x16 OS: E = 1024, K = 27, M = 16 -> 64 folds of 27 + 30 cycles, minus 1.
        Layer conv0 = ResNet8Shapes.workload().layer(0);
        assertEquals(3647, plainArray(16, 16, "os").simulate(ResNet8Shapes.workload(), ActivationStats.NONE, true)
                .layer(conv0.name()).computeCycles());
        // WS: ceil(27/16) = 2 K-folds x 1 M-fold x (32 + 16 + 1024 - 2) - 1 = 2139.
        assertEquals(2139, plainArray(16, 16, "ws").simulate(ResNet8Shapes.workload(), ActivationStats.NONE, true)
                .layer(conv0.name()).computeCycles());
        // IS: 2 K-folds x 64 E-folds x (32 + 16 + 16 - 2) - 1 = 7935.
        assertEquals(7935, plainArray(16, 16, "is").simulate(ResNet8Shapes.workload(), ActivationStats.NONE, true)
                .layer(conv0.name()).computeCycles());
    }
}
