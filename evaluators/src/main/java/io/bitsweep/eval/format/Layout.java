package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;
import java.util.Arrays;

/**
 * How a C-order tensor of a given shape is cut into groups that share one scale or exponent. A group is a set of
 * {@link #runs()} runs, each of {@link #runLength(int)} elements {@link #elementStride()} apart; run r of group g
 * starts at {@code base(g) + r * runStride()}. This one shape covers all three granularities without allocating:
 * <ul>
 *   <li>per tensor: one group, one run of all elements;</li>
 *   <li>per channel along axis a (shape = [outer, dim, inner] around a): group c is {@code outer} runs of
 *       {@code inner} contiguous elements;</li>
 *   <li>blocks of B along axis a: one run of up to B elements {@code inner} apart; the last block of a line is
 *       shorter when dim is not a multiple of B. Groups are numbered in C order over the tensor's shape with
 *       axis a replaced by ceil(dim / B), so group parameters form a tensor of that shape.</li>
 * </ul>
 * Immutable. Made by {@link NumberFormat#layout(int[], Granularity)}.
 */
public final class Layout {
    /** The kind of grouping. */
    public enum Kind { TENSOR, CHANNEL, BLOCK }

    private final int[] shape;
    private final Kind kind;
    private final int axis;
    private final int blockSize;
    private final int outer;
    private final int dim;
    private final int inner;
    private final int size;
    private final int blocksPerLine;
    private final int groups;

    private Layout(int[] shape, Kind kind, int axis, int blockSize) {
        this.shape = shape.clone();
        this.kind = kind;
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new BitSweepException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new BitSweepException("tensor of shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        this.size = (int) n;
        if (kind == Kind.TENSOR) {
            this.axis = -1;
            this.outer = 1;
            this.dim = size;
            this.inner = 1;
        } else {
            int rank = Math.max(shape.length, 1);
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank) {
                throw new BitSweepException("axis " + axis + " is out of range for shape " + Arrays.toString(shape)
                        + " (allowed: " + (-rank) + ".." + (rank - 1) + ")");
            }
            this.axis = a;
            int o = 1;
            int in = 1;
            for (int i = 0; i < shape.length; i++) {
                if (i < a) {
                    o *= shape[i];
                } else if (i > a) {
                    in *= shape[i];
                }
            }
            this.outer = o;
            this.dim = shape.length == 0 ? 1 : shape[a];
            this.inner = in;
        }
        this.blockSize = blockSize;
        this.blocksPerLine = kind == Kind.BLOCK ? (dim + blockSize - 1) / blockSize : 0;
        this.groups = switch (kind) {
            case TENSOR -> 1;
            case CHANNEL -> dim;
            case BLOCK -> Math.toIntExact((long) outer * blocksPerLine * inner);
        };
    }

    static Layout perTensor(int[] shape) {
        return new Layout(shape, Kind.TENSOR, 0, 0);
    }

    static Layout perChannel(int[] shape, int axis) {
        return new Layout(shape, Kind.CHANNEL, axis, 0);
    }

    static Layout blocks(int[] shape, int axis, int blockSize) {
        return new Layout(shape, Kind.BLOCK, axis, blockSize);
    }

    public int[] shape() {
        return shape.clone();
    }

    public Kind kind() {
        return kind;
    }

    /** The channel or block axis (non-negative); -1 for per tensor. */
    public int axis() {
        return axis;
    }

    /** Elements per block; 0 unless {@link Kind#BLOCK}. */
    public int blockSize() {
        return blockSize;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Number of groups, i.e. of scales or shared exponents. */
    public int groups() {
        return groups;
    }

    /** The shape of the per-group parameters: [1], [dim], or the tensor's shape with the axis cut into blocks. */
    public int[] groupShape() {
        return switch (kind) {
            case TENSOR -> new int[] {1};
            case CHANNEL -> new int[] {dim};
            case BLOCK -> {
                int[] s = shape.length == 0 ? new int[] {1} : shape.clone();
                s[axis] = blocksPerLine;
                yield s;
            }
        };
    }

    /** Index of the first element of group g. */
    public int base(int g) {
        return switch (kind) {
            case TENSOR -> 0;
            case CHANNEL -> g * inner;
            case BLOCK -> {
                int i = g % inner;
                int line = g / inner;
                int j = line % blocksPerLine;
                int o = line / blocksPerLine;
                yield (o * dim + j * blockSize) * inner + i;
            }
        };
    }

    /** Runs per group. */
    public int runs() {
        return kind == Kind.CHANNEL ? outer : 1;
    }

    /** Distance between the starts of consecutive runs of a group. */
    public int runStride() {
        return dim * inner;
    }

    /** Elements per run of group g. */
    public int runLength(int g) {
        return switch (kind) {
            case TENSOR -> size;
            case CHANNEL -> inner;
            case BLOCK -> Math.min(blockSize, dim - (g / inner % blocksPerLine) * blockSize);
        };
    }

    /** Distance between consecutive elements of a run. */
    public int elementStride() {
        return kind == Kind.BLOCK ? inner : 1;
    }

    /** Number of elements in group g. */
    public int groupSize(int g) {
        return runs() * runLength(g);
    }

    void checkGroups(int from, int to) {
        if (from < 0 || to > groups || from > to) {
            throw new IndexOutOfBoundsException("groups " + from + ".." + to + " of " + groups);
        }
    }

    @Override
    public String toString() {
        String how = switch (kind) {
            case TENSOR -> "per tensor";
            case CHANNEL -> "per channel along axis " + axis;
            case BLOCK -> "blocks of " + blockSize + " along axis " + axis;
        };
        return Arrays.toString(shape) + " " + how;
    }
}
