package io.bitsweep.search.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.onnx.OnnxImporter;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.OpKind;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import io.bitsweep.search.OnnxTestModels;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The workload built from the real IC ResNet-8 model: shapes, names, formats, and SCALE-Sim cycles. */
class WorkloadAdapterTest {
    private static final NumberFormat INT8 = NumberFormat.parse("int8");
    private static Model resnet8;

    @BeforeAll
    static void load() {
        resnet8 = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
    }

    @Test
    void resNet8LayersHaveTheModelsNamesAndShapes() {
        Workload w = WorkloadAdapter.build(resnet8, WorkloadAdapter.uniform(INT8, INT8));
        List<String> described = w.layers().stream().map(Layer::toString).toList();
        assertEquals(List.of(
                "conv_2d_0(conv 32x32x3 -> 32x32x16, 3x3)",
                "conv_2d_1(conv 32x32x16 -> 32x32x16, 3x3)",
                "conv_2d_2(conv 32x32x16 -> 32x32x16, 3x3)",
                "add_0(add 32x32x16 -> 32x32x16)",
                "conv_2d_3(conv 32x32x16 -> 16x16x32, 3x3)",
                "conv_2d_4(conv 16x16x32 -> 16x16x32, 3x3)",
                "conv_2d_5(conv 32x32x16 -> 16x16x32, 1x1)",
                "add_1(add 16x16x32 -> 16x16x32)",
                "conv_2d_6(conv 16x16x32 -> 8x8x64, 3x3)",
                "conv_2d_7(conv 8x8x64 -> 8x8x64, 3x3)",
                "conv_2d_8(conv 16x16x32 -> 8x8x64, 1x1)",
                "add_2(add 8x8x64 -> 8x8x64)",
                "average_pool_2d_0(pool 8x8x64 -> 1x1x64)",
                "fully_connected_0(fc 1x1x64 -> 1x1x10)"), described);
        assertEquals(resnet8.totalMacs(), w.macs());
    }

    @Test
    void scaleSimCyclesOnTheImportedModel() {
        Workload w = WorkloadAdapter.build(resnet8, WorkloadAdapter.uniform(INT8, INT8));
        for (String df : List.of("os", "ws")) {
            SimulationReport r = Targets.load("systolic-32x32-" + df).simulate(w, ActivationStats.NONE, true);
            for (Layer l : w.layers()) {
                if (!l.op().hasWeights()) {
                    continue;
                }
                long e = l.outputPositions();
                long k = l.reduction();
                long m = l.outC();
                long expected = df.equals("os") ? ceil(e, 32) * ceil(m, 32) * (k + 62) - 1
                        : ceil(k, 32) * ceil(m, 32) * (64 + 32 + e - 2) - 1;
                assertEquals(expected, r.layer(l.name()).computeCycles(), df + " " + l.name());
            }
        }
    }

    @Test
    void perChannelFormatsMapToWidthsAndPrunedChannelsCostNothing() {
        NumberFormat int4 = NumberFormat.parse("int4:asym");
        NumberFormat pruned = NumberFormat.parse("pruned");
        WorkloadAdapter.Precisions p = new WorkloadAdapter.Precisions() {
            @Override
            public NumberFormat[] weights(Op op, int outputChannels) {
                NumberFormat[] f = new NumberFormat[outputChannels];
                for (int c = 0; c < outputChannels; c++) {
                    f[c] = op.name().equals("conv_2d_1") ? (c < 4 ? pruned : int4) : INT8;
                }
                return f;
            }

            @Override
            public NumberFormat activations(Op op) {
                return op.name().equals("conv_2d_0") ? NumberFormat.parse("int4") : INT8;
            }

            @Override
            public NumberFormat modelInput() {
                return INT8;
            }
        };
        Workload w = WorkloadAdapter.build(resnet8, p);
        Layer conv1 = w.layer(w.indexOf("conv_2d_1"));
        assertEquals(4, conv1.actBits(), "conv_2d_1 reads conv_2d_0's int4 output");
        assertEquals(List.of(0, 0, 0, 0, 4, 4), Arrays.stream(conv1.weightBitsCopy()).limit(6).boxed().toList());
        assertEquals(resnet8.totalMacs() - 4 * conv1.macsPerChannel(), w.macs());
        assertEquals(4, w.layer(w.indexOf("conv_2d_0")).outBits());
    }

    @Test
    void blockFormatsBecomeBfpLayers() {
        Workload w = WorkloadAdapter.build(resnet8,
                WorkloadAdapter.uniform(NumberFormat.parse("bfp:m4:b16"), NumberFormat.parse("bfp:m8:b32")));
        Layer fc = w.layer(w.indexOf("fully_connected_0"));
        assertEquals(4, fc.weightBits(0));
        assertEquals(8, fc.actBits());
        assertEquals(16, fc.weightBlock());
        assertEquals(32, fc.actBlock());
        assertEquals(OpKind.FC, fc.op());
        assertTrue(Targets.load("bfp-16x16-os").simulate(w).totalCycles() > 0);
        BitSweepException e = assertThrows(BitSweepException.class, () -> WorkloadAdapter.build(resnet8,
                WorkloadAdapter.uniform(INT8, NumberFormat.parse("pruned"))));
        assertTrue(e.getMessage().contains("conv_2d_0") && e.getMessage().contains("pruned"), e.getMessage());
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Issue 15: the element ops of ImageNet networks are costed as element work, never free. On the ONNX CNN with a
     * HardSwish after its 1x1 conv (HARD_SWISH: 3 operations per element) and a global average pool (MEAN: one
     * addition per input element), each is an element-wise layer that reads its input, writes its output and takes
     * compute cycles and energy on the MCU and on a systolic array.
     */
    @Test
    void elementOpsOfAnOnnxModelAreCostedAsElementWork() {
        Model cnn = OnnxImporter.read(OnnxTestModels.vwwCnn(17, "N", 96, "HardSwish").toByteArray(), "cnn.onnx");
        Workload w = WorkloadAdapter.build(cnn, WorkloadAdapter.uniform(INT8, INT8));
        Layer hardSwish = w.layer(w.indexOf("hard_swish_0"));
        Layer mean = w.layer(w.indexOf("mean_0"));
        assertEquals(OpKind.ELEMENTWISE, hardSwish.op());
        assertEquals(24L * 24 * 16 * 3, hardSwish.elementOps());
        assertEquals(24L * 24 * 16 * 8, hardSwish.inputActivationBits());
        assertEquals(OpKind.ELEMENTWISE, mean.op());
        assertEquals(24L * 24 * 16, mean.elementOps());
        assertEquals(16L * 8, mean.outputActivationBits());
        for (String target : List.of("mpic", "systolic-16x16-os")) {
            SimulationReport r = Targets.load(target).simulate(w, ActivationStats.NONE, true);
            for (Layer l : List.of(hardSwish, mean)) {
                assertTrue(r.layer(l.name()).computeCycles() > 0, target + " " + l.name() + " compute cycles");
                assertTrue(r.layer(l.name()).energyPj() > 0, target + " " + l.name() + " energy");
            }
        }
    }
}
