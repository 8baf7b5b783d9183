package io.bitsweep.eval.model;

import java.util.Arrays;

/**
 * The output shapes of the shape-changing element ops, shared by the importers (which compute them) and the shape
 * checks (which verify them). Each returns null when the inputs do not fit.
 */
public final class Shapes {
    private Shapes() {}

    /** Numpy broadcasting: shapes aligned at the end, each dimension equal or 1. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** MEAN over {@code axes}: those dimensions become 1 ({@code keepDims}) or are dropped. */
    public static int[] reduce(int[] in, int[] axes, boolean keepDims) {
        boolean[] reduced = new boolean[in.length];
        for (int a : axes) {
            if (a < 0 || a >= in.length) {
                return null;
            }
            reduced[a] = true;
        }
        int[] out = new int[in.length];
        int n = 0;
        for (int d = 0; d < in.length; d++) {
            if (!reduced[d]) {
                out[n++] = in[d];
            } else if (keepDims) {
                out[n++] = 1;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** PAD: every dimension grows by its padding before and after. */
    public static int[] pad(int[] in, int[] before, int[] after) {
        if (before.length != in.length || after.length != in.length) {
            return null;
        }
        int[] out = new int[in.length];
        for (int d = 0; d < in.length; d++) {
            out[d] = in[d] + before[d] + after[d];
        }
        return out;
    }

    /** CONCATENATION along {@code axis}: equal ranks, equal sizes but along the axis, whose sizes add up. */
    public static int[] concatenate(int[][] inputs, int axis) {
        int[] out = inputs[0].clone();
        if (axis < 0 || axis >= out.length) {
            return null;
        }
        out[axis] = 0;
        for (int[] s : inputs) {
            if (s.length != out.length) {
                return null;
            }
            for (int d = 0; d < s.length; d++) {
                if (d != axis && s[d] != out[d]) {
                    return null;
                }
            }
            out[axis] += s[axis];
        }
        return out;
    }
}
