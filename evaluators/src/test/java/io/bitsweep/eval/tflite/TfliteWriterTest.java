package io.bitsweep.eval.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the .tflite format cannot say is refused in one line naming the layer: ONNX's explicit pads and the
 * RELU_0_TO_1 activation (a fused HardSigmoid). What it can say reads back as written (TfliteExporterTest).
 */
class TfliteWriterTest {

    @Test
    void explicitPaddingIsRefusedNamingTheLayer() {
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteWriter.write(
                conv(Padding.explicit(1, 1, 1, 1), Activation.NONE), "d", Map.of()));
        assertEquals("m.onnx: layer conv_2d_0 (CONV_2D): padding EXPLICIT(1,1,1,1) has no TFLite equivalent "
                + "(allowed: SAME, VALID)", e.getMessage());
    }

    @Test
    void relu0To1IsRefusedNamingTheLayer() {
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteWriter.write(
                conv(Padding.SAME, Activation.RELU_0_TO_1), "d", Map.of()));
        assertEquals("m.onnx: layer conv_2d_0 (CONV_2D): fused activation RELU_0_TO_1 has no TFLite equivalent "
                + "(allowed: NONE, RELU, RELU_N1_TO_1, RELU6)", e.getMessage());
    }

    @Test
    void aWrittenModelReadsBack() {
        Model m = conv(Padding.VALID, Activation.RELU6);
        Model back = TfliteImporter.read(TfliteWriter.write(m, "d", Map.of("k", new byte[] {1, 2})), "back");
        assertEquals(m.ops(), back.ops());
        assertEquals(m.tensor(1).rawData(), back.tensor(1).rawData());
        assertEquals(m.tensor(1).quant(), back.tensor(1).quant());
    }

    /** One int8 3x3 convolution on a 5x5 image. */
    private static Model conv(Padding padding, Activation act) {
        QuantParams q = QuantParams.perTensor(0.5f, -3);
        int out = padding.equals(Padding.VALID) ? 3 : 5;
        List<Tensor> tensors = List.of(
                new Tensor(0, "x", new int[] {1, 5, 5, 1}, DType.INT8, q, null),
                new Tensor(1, "w", new int[] {1, 3, 3, 1}, DType.INT8, QuantParams.perTensor(0.25f, 0),
                        new byte[] {1, -2, 3, -4, 5, -6, 7, -8, 9}),
                new Tensor(2, "y", new int[] {1, out, out, 1}, DType.INT8, q, null));
        Op op = new Op("conv_2d_0", OpType.CONV_2D, new int[] {0, 1, -1}, new int[] {2},
                new OpOptions.Conv(padding, 1, 1, 1, 1, act));
        return new Model("m.onnx", "sha", tensors, List.of(op), new int[] {0}, new int[] {2});
    }
}
