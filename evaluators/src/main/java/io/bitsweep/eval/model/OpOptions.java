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

    /** MUL, element by element, with numpy-style broadcasting of the two inputs to the output's shape. */
    record Mul(Activation activation) implements OpOptions {}

    /** MEAN over the dimensions {@code axes} (ascending, of the input), keeping them as size 1 or dropping them. */
    record Mean(int[] axes, boolean keepDims) implements OpOptions {
        public Mean {
            axes = axes.clone();
        }

        @Override
        public int[] axes() {
            return axes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mean m && keepDims == m.keepDims && Arrays.equals(axes, m.axes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(axes) * 2 + (keepDims ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Mean" + Arrays.toString(axes) + (keepDims ? " keep_dims" : "");
        }
    }

    /**
     * PAD with zeros (real zero: the zero point of a quantized tensor): {@code before[d]} and {@code after[d]}
     * elements on each side of dimension d.
     */
    record Pad(int[] before, int[] after) implements OpOptions {
        public Pad {
            before = before.clone();
            after = after.clone();
        }

        @Override
        public int[] before() {
            return before.clone();
        }

        @Override
        public int[] after() {
            return after.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pad p && Arrays.equals(before, p.before) && Arrays.equals(after, p.after);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(before) + Arrays.hashCode(after);
        }

        @Override
        public String toString() {
            return "Pad" + Arrays.toString(before) + Arrays.toString(after);
        }
    }

    /** CONCATENATION of all inputs along {@code axis} (non-negative). */
    record Concatenation(int axis, Activation activation) implements OpOptions {}

    /** Ops without attributes (HARD_SWISH, LOGISTIC, QUANTIZE, DEQUANTIZE). */
    record None() implements OpOptions {}
}
