package io.bitsweep.eval.model;

import java.util.Arrays;

/**
 * Index arithmetic of the element ops over row-major tensors of rank 1..4, shared by the float and the exact
 * engine: every shape is right-aligned into four dimensions, and an input's stride is 0 along a dimension it is
 * broadcast (or reduced) over. A kernel walks the four output dimensions and adds up the strides.
 */
public final class ElementGeometry {
    private ElementGeometry() {}

    /** {@code shape} right-aligned in four dimensions (leading 1s). */
    public static int[] dims4(int[] shape) {
        if (shape.length > 4) {
            throw new IllegalArgumentException("rank " + shape.length + " (supported: 1..4)");
        }
        int[] d = new int[4];
        Arrays.fill(d, 1);
        System.arraycopy(shape, 0, d, 4 - shape.length, shape.length);
        return d;
    }

    /**
     * The strides of an input of {@code inShape} read at each position of {@code outShape} under numpy
     * broadcasting: its row-major strides, 0 where it has size 1 and the output does not.
     */
    public static int[] broadcastStrides(int[] inShape, int[] outShape) {
        int[] in = dims4(inShape);
        int[] out = dims4(outShape);
        int[] strides = new int[4];
        int s = 1;
        for (int d = 3; d >= 0; d--) {
            strides[d] = in[d] == out[d] ? s : 0;
            s *= in[d];
        }
        return strides;
    }

    /**
     * The strides of the output of a reduction over {@code axes} of {@code inShape}, indexed by the input's
     * (right-aligned) dimensions: 0 along a reduced axis, the output's row-major stride elsewhere. Whether the
     * reduced axes are kept as size 1 does not change the output's memory order.
     */
    public static int[] reductionStrides(int[] inShape, int[] axes) {
        int offset = 4 - inShape.length;
        int[] in = dims4(inShape);
        boolean[] reduced = new boolean[4];
        for (int a : axes) {
            reduced[a + offset] = true;
        }
        int[] strides = new int[4];
        int s = 1;
        for (int d = 3; d >= 0; d--) {
            strides[d] = reduced[d] ? 0 : s;
            s *= reduced[d] ? 1 : in[d];
        }
        return strides;
    }

    /** Row-major strides of a right-aligned shape. */
    public static int[] strides(int[] shape) {
        int[] d = dims4(shape);
        int[] strides = new int[4];
        int s = 1;
        for (int i = 3; i >= 0; i--) {
            strides[i] = s;
            s *= d[i];
        }
        return strides;
    }

    /** The product of the dimensions of {@code shape} before {@code axis} (a concatenation's outer loop). */
    public static int outer(int[] shape, int axis) {
        int n = 1;
        for (int d = 0; d < axis; d++) {
            n *= shape[d];
        }
        return n;
    }

    /** The product of the dimensions of {@code shape} from {@code axis} on (one concatenation chunk). */
    public static int chunk(int[] shape, int axis) {
        int n = 1;
        for (int d = axis; d < shape.length; d++) {
            n *= shape[d];
        }
        return n;
    }
}
