package io.bitsweep.eval.tflite;

import static io.bitsweep.eval.tflite.TfliteBuilder.FLOAT32;
import static io.bitsweep.eval.tflite.TfliteBuilder.INT8;
import static io.bitsweep.eval.tflite.TfliteBuilder.NONE;
import static io.bitsweep.eval.tflite.TfliteBuilder.RELU;
import static io.bitsweep.eval.tflite.TfliteBuilder.SAME;
import static io.bitsweep.eval.tflite.TfliteBuilder.VALID;

/**
 * Small valid models that together use every op, option table and quantization form the importer reads: the
 * fuzzer's starting points (a few hundred bytes each, so mutations land in structure, not in weight data).
 */
final class TfliteSeeds {
    private TfliteSeeds() {}

    /** Float32: conv, depthwise, average and max pool, reshape, fully connected, add, softmax. */
    static byte[] floatAllOps() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", FLOAT32, 0f, 0, 1, 8, 8, 3);
        int convW = b.constant("conv_w", ramp(4 * 3 * 3 * 3), 4, 3, 3, 3);
        int convB = b.constant("conv_b", ramp(4), 4);
        int c = b.tensor("conv", FLOAT32, 0f, 0, 1, 8, 8, 4);
        int dwW = b.constant("dw_w", ramp(3 * 3 * 4), 1, 3, 3, 4);
        int dwB = b.constant("dw_b", ramp(4), 4);
        int d = b.tensor("dw", FLOAT32, 0f, 0, 1, 4, 4, 4);
        int avg = b.tensor("avg", FLOAT32, 0f, 0, 1, 2, 2, 4);
        int max = b.tensor("max", FLOAT32, 0f, 0, 1, 1, 1, 4);
        int flat = b.tensor("flat", FLOAT32, 0f, 0, 1, 4);
        int fcW = b.constant("fc_w", ramp(3 * 4), 3, 4);
        int fcB = b.constant("fc_b", ramp(3), 3);
        int fc = b.tensor("fc", FLOAT32, 0f, 0, 1, 3);
        int sum = b.tensor("sum", FLOAT32, 0f, 0, 1, 3);
        int y = b.tensor("y", FLOAT32, 0f, 0, 1, 3);
        b.op(TfliteBuilder.CONV_2D, new int[] {x, convW, convB}, new int[] {c}, TfliteBuilder.OPTIONS_CONV2D,
                b.conv2dOptions(SAME, 1, RELU));
        b.op(TfliteBuilder.DEPTHWISE_CONV_2D, new int[] {c, dwW, dwB}, new int[] {d}, TfliteBuilder.OPTIONS_DEPTHWISE,
                b.depthwiseOptions(SAME, 2, 1, NONE));
        b.op(TfliteBuilder.AVERAGE_POOL_2D, new int[] {d}, new int[] {avg}, TfliteBuilder.OPTIONS_POOL2D,
                b.pool2dOptions(VALID, 2, 2, NONE));
        b.op(TfliteBuilder.MAX_POOL_2D, new int[] {avg}, new int[] {max}, TfliteBuilder.OPTIONS_POOL2D,
                b.pool2dOptions(VALID, 2, 2, NONE));
        b.op(TfliteBuilder.RESHAPE, new int[] {max}, new int[] {flat}, TfliteBuilder.OPTIONS_RESHAPE,
                b.reshapeOptions(1, 4));
        b.op(TfliteBuilder.FULLY_CONNECTED, new int[] {flat, fcW, fcB}, new int[] {fc},
                TfliteBuilder.OPTIONS_FULLY_CONNECTED, b.fullyConnectedOptions(RELU));
        b.op(TfliteBuilder.ADD, new int[] {fc, fc}, new int[] {sum}, TfliteBuilder.OPTIONS_ADD, b.addOptions(NONE));
        b.op(TfliteBuilder.SOFTMAX, new int[] {sum}, new int[] {y}, TfliteBuilder.OPTIONS_SOFTMAX, b.softmaxOptions(1f));
        return b.io(new int[] {x}, new int[] {y}).finish();
    }

    /** Int8 with per-channel weights and int32 biases, between QUANTIZE and DEQUANTIZE; RESHAPE by shape tensor. */
    static byte[] int8PerChannel() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", FLOAT32, 0f, 0, 1, 4, 4, 2);
        int xq = b.tensor("xq", INT8, 0.05f, -3, 1, 4, 4, 2);
        int w = b.int8Constant("conv_w", bytes(3 * 2), new float[] {0.01f, 0.02f, 0.03f}, 0, 3, 1, 1, 2);
        int bias = b.int32Constant("conv_b", new int[] {10, -20, 30}, new float[] {5e-4f, 1e-3f, 1.5e-3f}, 3);
        int c = b.tensor("conv", INT8, 0.1f, 5, 1, 4, 4, 3);
        int shape = b.int32Constant("shape", new int[] {1, 48}, null, 2);
        int flat = b.tensor("flat", INT8, 0.1f, 5, 1, 48);
        int fcW = b.int8Constant("fc_w", bytes(2 * 48), new float[] {0.02f, 0.04f}, 0, 2, 48);
        int fc = b.tensor("fc", INT8, 0.2f, -1, 1, 2);
        int y = b.tensor("y", FLOAT32, 0f, 0, 1, 2);
        b.op(TfliteBuilder.QUANTIZE, new int[] {x}, new int[] {xq});
        b.op(TfliteBuilder.CONV_2D, new int[] {xq, w, bias}, new int[] {c}, TfliteBuilder.OPTIONS_CONV2D,
                b.conv2dOptions(VALID, 1, RELU));
        b.op(TfliteBuilder.RESHAPE, new int[] {c, shape}, new int[] {flat});
        b.op(TfliteBuilder.FULLY_CONNECTED, new int[] {flat, fcW, -1}, new int[] {fc});
        b.op(TfliteBuilder.DEQUANTIZE, new int[] {fc}, new int[] {y});
        return b.io(new int[] {x}, new int[] {y}).finish();
    }

    /** A float FULLY_CONNECTED with int8 weights (dynamic-range quantization), dequantized on import. */
    static byte[] hybridFullyConnected() {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", FLOAT32, 0f, 0, 1, 6);
        int w = b.int8Constant("w", bytes(2 * 6), new float[] {0.5f, 0.25f}, 0, 2, 6);
        int bias = b.constant("b", ramp(2), 2);
        int y = b.tensor("y", FLOAT32, 0f, 0, 1, 2);
        b.op(TfliteBuilder.FULLY_CONNECTED, new int[] {x, w, bias}, new int[] {y});
        return b.io(new int[] {x}, new int[] {y}).finish();
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 7 - 3) * 0.125f;
        }
        return v;
    }

    private static byte[] bytes(int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) (i * 37 - 100);
        }
        return v;
    }
}
