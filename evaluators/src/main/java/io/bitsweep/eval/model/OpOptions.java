package io.bitsweep.eval.model;

import java.util.Arrays;

/** The attributes of an op, one record per op family. */
public sealed interface OpOptions {

    /** Fused activation of the op's output; NONE for ops without one. */
    default Activation activation() {
        return Activation.NONE;
    }

    /** CONV_2D. */
    record Conv(Padding padding, int strideH, int strideW, int dilationH, int dilationW, Activation activation)
            implements OpOptions {}

    /** DEPTHWISE_CONV_2D: output channel c reads input channel c / depthMultiplier. */
    record DepthwiseConv(Padding padding, int strideH, int strideW, int dilationH, int dilationW, int depthMultiplier,
                         Activation activation) implements OpOptions {}

    /** AVERAGE_POOL_2D and MAX_POOL_2D. */
    record Pool(Padding padding, int strideH, int strideW, int filterH, int filterW, Activation activation)
            implements OpOptions {}

    /** FULLY_CONNECTED: weights [out, in]; the input is flattened to [batch, in]. */
    record FullyConnected(Activation activation, boolean keepNumDims) implements OpOptions {}

    /** ADD (with broadcasting of equal shapes only). */
    record Add(Activation activation) implements OpOptions {}

    /** SOFTMAX over the last dimension: exp(beta * (x - max)) / sum. */
    record Softmax(float beta) implements OpOptions {}

    /** RESHAPE: the output tensor's shape is authoritative; newShape is what the file declared (may hold -1). */
    record Reshape(int[] newShape) implements OpOptions {
        public Reshape {
            newShape = newShape.clone();
        }

        @Override
        public int[] newShape() {
            return newShape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(newShape, r.newShape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(newShape);
        }

        @Override
        public String toString() {
            return "Reshape" + Arrays.toString(newShape);
        }
    }

    /** Ops without attributes (QUANTIZE, DEQUANTIZE). */
    record None() implements OpOptions {}
}
