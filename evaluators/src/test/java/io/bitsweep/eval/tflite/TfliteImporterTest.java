package io.bitsweep.eval.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Facts of the 8 MLPerf Tiny models as the importer must see them (ops, shapes, options, quantization, MACs). */
class TfliteImporterTest {

    private static Model load(String relative) {
        return TfliteImporter.load(Assets.resolve("models/" + relative));
    }

    private static Map<OpType, Integer> opCounts(Model m) {
        Map<OpType, Integer> counts = new TreeMap<>();
        for (Op op : m.ops()) {
            counts.merge(op.type(), 1, Integer::sum);
        }
        return counts;
    }

    private static <T extends OpOptions> T options(Model m, String layer, Class<T> type) {
        return type.cast(m.op(layer).orElseThrow().options());
    }

    @Test
    void icResNet8FloatHasTheResNetStructure() {
        Model m = load("ic/pretrainedResnet.tflite");
        assertEquals(Map.of(OpType.CONV_2D, 9, OpType.ADD, 3, OpType.AVERAGE_POOL_2D, 1, OpType.RESHAPE, 1,
                OpType.FULLY_CONNECTED, 1, OpType.SOFTMAX, 1), opCounts(m));
        assertEquals(List.of("conv_2d_0", "conv_2d_1", "conv_2d_2", "add_0", "conv_2d_3", "conv_2d_4", "conv_2d_5",
                "add_1", "conv_2d_6", "conv_2d_7", "conv_2d_8", "add_2", "average_pool_2d_0", "reshape_0",
                "fully_connected_0", "softmax_0"), m.layerNames());
        assertArrayEquals(new int[] {1, 32, 32, 3}, m.input().shape());
        assertEquals(DType.FLOAT32, m.input().dtype());
        assertArrayEquals(new int[] {1, 10}, m.output().shape());
        // conv_2d_3 downsamples: 3x3 stride 2 SAME, fused ReLU; conv_2d_5 is the 1x1 stride-2 shortcut without ReLU.
        assertEquals(new OpOptions.Conv(Padding.SAME, 2, 2, 1, 1, Activation.RELU),
                options(m, "conv_2d_3", OpOptions.Conv.class));
        assertEquals(new OpOptions.Conv(Padding.SAME, 2, 2, 1, 1, Activation.NONE),
                options(m, "conv_2d_5", OpOptions.Conv.class));
        assertEquals(Activation.RELU, m.op("add_0").orElseThrow().options().activation());
        assertEquals(new OpOptions.Pool(Padding.VALID, 8, 8, 8, 8, Activation.NONE),
                options(m, "average_pool_2d_0", OpOptions.Pool.class));
        assertEquals(1f, options(m, "softmax_0", OpOptions.Softmax.class).beta());
        Op conv1 = m.op("conv_2d_1").orElseThrow();
        assertEquals(32L * 32 * 16 * 3 * 3 * 16, m.macs(conv1));
        assertEquals(16, m.outputChannels(conv1));
        assertEquals(12_501_632L, m.totalMacs());
        assertEquals(77_706L, m.totalParams()); // the README's 77,708 also counts RESHAPE's 2-element shape
        assertEquals(10, m.quantizableLayers().size());
        assertTrue(m.tensors().stream().allMatch(t -> t.quant().isEmpty()));
    }

    @Test
    void icInt8HasPerChannelConvWeightsAndRawInt32Biases() {
        Model m = load("ic/pretrainedResnet_quant.tflite");
        assertEquals(QuantParams.perTensor(1f, -128), m.input().quant().orElseThrow());
        assertEquals(DType.INT8, m.input().dtype());
        assertEquals(QuantParams.perTensor(1f / 256, -128), m.output().quant().orElseThrow());
        Op conv0 = m.op("conv_2d_0").orElseThrow();
        Tensor w = m.weights(conv0);
        assertEquals(DType.INT8, w.dtype());
        QuantParams wq = w.quant().orElseThrow();
        assertTrue(wq.isPerChannel());
        assertEquals(0, wq.axis());
        assertEquals(16, wq.count());
        assertArrayEquals(new byte[] {25, 33, -47, 21}, Arrays.copyOf(w.int8s(), 4));
        assertEquals(8.902636E-5f, wq.scale(0));
        Tensor bias = m.bias(conv0).orElseThrow();
        assertEquals(DType.INT32, bias.dtype());
        assertArrayEquals(new int[] {6836, 11436, 9908, 3365}, Arrays.copyOf(bias.int32s(), 4));
        // bias scale = input scale (1.0) * weight scale, per channel
        for (int c = 0; c < 16; c++) {
            assertEquals(wq.scale(c), bias.quant().orElseThrow().scale(c), 1e-12f);
        }
        assertEquals(25 * 8.902636E-5f, w.dequantize()[0], 1e-9f);
        Tensor fcWeights = m.weights(m.op("fully_connected_0").orElseThrow());
        assertFalse(fcWeights.quant().orElseThrow().isPerChannel());
        assertEquals(12_501_632L, m.totalMacs());
    }

    @Test
    void kwsInt8DepthwiseWeightsArePerChannelOnAxis3() {
        Model m = load("kws/kws_ref_model.tflite");
        assertEquals(Map.of(OpType.CONV_2D, 5, OpType.DEPTHWISE_CONV_2D, 4, OpType.AVERAGE_POOL_2D, 1,
                OpType.RESHAPE, 1, OpType.FULLY_CONNECTED, 1, OpType.SOFTMAX, 1), opCounts(m));
        assertEquals(QuantParams.perTensor(0.5847029f, 83), m.input().quant().orElseThrow());
        assertArrayEquals(new int[] {1, 49, 10, 1}, m.input().shape());
        Op dw = m.op("depthwise_conv_2d_0").orElseThrow();
        QuantParams q = m.weights(dw).quant().orElseThrow();
        assertEquals(3, q.axis());
        assertEquals(64, q.count());
        assertEquals(64, m.outputChannels(dw));
        assertEquals(new OpOptions.DepthwiseConv(Padding.SAME, 1, 1, 1, 1, 1, Activation.RELU), dw.options());
        // the first conv: 10x4 kernel, stride 2, SAME: 49x10 -> 25x5
        Op conv0 = m.op("conv_2d_0").orElseThrow();
        assertEquals(new OpOptions.Conv(Padding.SAME, 2, 2, 1, 1, Activation.RELU), conv0.options());
        assertArrayEquals(new int[] {1, 25, 5, 64}, m.output(conv0).shape());
        assertEquals(25L * 5 * 64 * 10 * 4, m.macs(conv0));
        assertEquals(25L * 5 * 64 * 3 * 3, m.macs(dw));
        assertEquals(new OpOptions.Pool(Padding.VALID, 25, 5, 25, 5, Activation.NONE),
                options(m, "average_pool_2d_0", OpOptions.Pool.class));
        assertEquals(2_656_768L, m.totalMacs());
    }

    @Test
    void kwsHybridWeightsAreDequantizedToFloatOnImport() {
        Model m = load("kws/kws_ref_model_float32.tflite");
        assertEquals(DType.FLOAT32, m.input().dtype());
        int dequantized = 0;
        for (Op op : m.quantizableLayers()) {
            Tensor w = m.weights(op);
            assertEquals(DType.FLOAT32, w.dtype(), op.name());
            assertTrue(w.quant().isEmpty(), op.name());
            Set<Float> distinct = new HashSet<>();
            for (float v : w.floats()) {
                distinct.add(v);
            }
            if (distinct.size() <= 255) {
                dequantized++; // values on one int8 grid: these were the int8 tensors of the file
                float step = Float.MAX_VALUE;
                for (float v : distinct) {
                    if (v > 0) {
                        step = Math.min(step, v);
                    }
                }
                for (float v : distinct) {
                    assertEquals(Math.round(v / step), v / step, 1e-3, op.name() + " value off the int8 grid");
                }
            }
        }
        assertEquals(5, dequantized, "the README says 5 conv weight tensors are int8 per-tensor");
        assertEquals(-0.008091018f, m.weights(m.ops().get(0)).floats()[0]);
    }

    @Test
    void kwsPureFloatModelHasNoQuantization() {
        Model m = load("kws/kws_ref_model_fp32.tflite");
        assertEquals(13, m.ops().size());
        assertTrue(m.tensors().stream().allMatch(t -> t.quant().isEmpty()));
        assertTrue(m.tensors().stream().filter(Tensor::isConstant)
                .allMatch(t -> t.dtype() == DType.FLOAT32 || t.dtype() == DType.INT32));
        assertEquals(22_604L, m.totalParams());
    }

    @Test
    void vwwMobileNetHasStridedDepthwiseLayers() {
        for (String file : List.of("vww/vww_96_float.tflite", "vww/vww_96_int8.tflite")) {
            Model m = load(file);
            assertEquals(Map.of(OpType.CONV_2D, 14, OpType.DEPTHWISE_CONV_2D, 13, OpType.AVERAGE_POOL_2D, 1,
                    OpType.RESHAPE, 1, OpType.FULLY_CONNECTED, 1, OpType.SOFTMAX, 1), opCounts(m), file);
            assertEquals(new OpOptions.DepthwiseConv(Padding.SAME, 2, 2, 1, 1, 1, Activation.RELU),
                    options(m, "depthwise_conv_2d_1", OpOptions.DepthwiseConv.class));
            assertArrayEquals(new int[] {1, 24, 24, 16}, m.output(m.op("depthwise_conv_2d_1").orElseThrow()).shape());
            assertEquals(7_489_664L, m.totalMacs(), file);
            assertEquals(28, m.quantizableLayers().size());
            assertEquals(256, m.outputChannels(m.op("conv_2d_13").orElseThrow()));
        }
        Model q = load("vww/vww_96_int8.tflite");
        assertEquals(QuantParams.perTensor(0.003921569f, -128), q.input().quant().orElseThrow());
        assertEquals(256, q.weights(q.op("conv_2d_13").orElseThrow()).quant().orElseThrow().count());
    }

    @Test
    void adAutoencoderIsTenFullyConnectedLayers() {
        Model f = load("ad/ad01_fp32.tflite");
        Model q = load("ad/ad01_int8.tflite");
        for (Model m : List.of(f, q)) {
            assertEquals(Map.of(OpType.FULLY_CONNECTED, 10), opCounts(m));
            assertEquals(264_192L, m.totalMacs());
            assertEquals(Activation.RELU, m.op("fully_connected_4").orElseThrow().options().activation());
            assertEquals(Activation.NONE, m.op("fully_connected_9").orElseThrow().options().activation());
            assertEquals(8, m.outputChannels(m.op("fully_connected_4").orElseThrow()));
        }
        assertEquals(265_864L, f.totalParams());
        assertEquals(QuantParams.perTensor(0.39101523f, 89), q.input().quant().orElseThrow());
        assertEquals(QuantParams.perTensor(0.36449847f, 96), q.output().quant().orElseThrow());
        Tensor w0 = q.weights(q.op("fully_connected_0").orElseThrow());
        assertEquals(QuantParams.perTensor(3.76875E-4f, 0), w0.quant().orElseThrow());
        assertArrayEquals(new byte[] {10, 13, -12, 7}, Arrays.copyOf(w0.int8s(), 4));
    }

    @Test
    void modelShaIsTheFileSha() {
        Model m = load("kws/kws_ref_model_fp32.tflite");
        assertEquals("e5ab04af610ebec251c0fddfaeafe8557dd650a1cb93cba6627a8839d8ca9713", m.sha256());
    }
}
