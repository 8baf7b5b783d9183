package io.bitsweep.eval.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates the shape-arithmetic nodes exporters leave in graphs on constants, e.g. torch's ZeroPad2d, which
 * builds Pad's pads with ConstantOfShape, Concat, Reshape, Slice, Transpose and Cast. Only small tensors go through
 * here; a node with a non-constant input is not folded (and is then an error if the converter does not know it).
 */
final class ConstantFolder {
    /** The ops this class evaluates when all their inputs are constant. */
    static final Set<String> OPS = Set.of("Identity", "ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose",
            "Cast", "Unsqueeze", "Squeeze", "Gather");

    private ConstantFolder() {}

    /**
     * @param inputs the node's inputs ({@code null} for an omitted optional input)
     * @throws IllegalArgumentException describing what the node asked for that cannot be done
     */
    static ConstTensor fold(String op, List<ConstTensor> inputs, NodeAttributes attrs) {
        ConstTensor x = inputs.isEmpty() ? null : inputs.get(0);
        return switch (op) {
            case "Identity" -> x;
            case "ConstantOfShape" -> {
                int[] dims = Arrays.stream(x.asLongs()).mapToInt(Math::toIntExact).toArray();
                int n = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
                ConstTensor value = attrs.has("value")
                        ? ConstTensor.decode(attrs.get("value").getT(), null) : ConstTensor.ofFloats(new int[0],
                        new float[] {0f});
                if (value.isFloat()) {
                    float[] f = new float[n];
                    Arrays.fill(f, value.floats()[0]);
                    yield ConstTensor.ofFloats(dims, f);
                }
                long[] l = new long[n];
                Arrays.fill(l, value.longs()[0]);
                yield ConstTensor.ofLongs(dims, l);
            }
            case "Concat" -> concat(inputs, (int) attrs.getInt("axis", 0));
            case "Reshape" -> x.reshaped(reshape(x.dims(), inputs.get(1).asLongs()));
            case "Slice" -> slice(x, inputs);
            case "Transpose" -> transpose(x, attrs.getInts("perm"));
            case "Cast" -> {
                long to = attrs.getInt("to", ConstTensor.FLOAT);
                yield to == ConstTensor.FLOAT || to == ConstTensor.DOUBLE
                        ? ConstTensor.ofFloats(x.dims(), x.asFloats()) : ConstTensor.ofLongs(x.dims(), x.asLongs());
            }
            case "Unsqueeze", "Squeeze" -> {
                int[] axes = inputs.size() > 1 && inputs.get(1) != null
                        ? Arrays.stream(inputs.get(1).asLongs()).mapToInt(Math::toIntExact).toArray()
                        : attrs.getInts("axes");
                yield x.reshaped(op.equals("Squeeze") ? squeeze(x.dims(), axes) : unsqueeze(x.dims(), axes));
            }
            case "Gather" -> gather(x, inputs.get(1), (int) attrs.getInt("axis", 0));
            default -> throw new IllegalArgumentException("cannot fold " + op);
        };
    }

    private static ConstTensor concat(List<ConstTensor> parts, int axis) {
        if (parts.stream().anyMatch(p -> p.rank() != 1) || (axis != 0 && axis != -1)) {
            throw new IllegalArgumentException("Concat of constants is folded for 1-D tensors only");
        }
        int n = parts.stream().mapToInt(ConstTensor::size).sum();
        if (parts.stream().allMatch(p -> !p.isFloat())) {
            long[] out = new long[n];
            int o = 0;
            for (ConstTensor p : parts) {
                System.arraycopy(p.longs(), 0, out, o, p.size());
                o += p.size();
            }
            return ConstTensor.ofLongs(new int[] {n}, out);
        }
        float[] out = new float[n];
        int o = 0;
        for (ConstTensor p : parts) {
            System.arraycopy(p.asFloats(), 0, out, o, p.size());
            o += p.size();
        }
        return ConstTensor.ofFloats(new int[] {n}, out);
    }

    /** ONNX Reshape's target shape: 0 copies the input dimension, one -1 takes the rest. */
    static int[] reshape(int[] in, long[] shape) {
        long total = Arrays.stream(in).asLongStream().reduce(1, (a, b) -> a * b); // the dims of a tensor we hold
        int[] out = new int[shape.length];
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) {
                    throw new IllegalArgumentException("Reshape to " + Arrays.toString(shape) + " has two -1");
                }
                unknown = i;
                continue;
            }
            long d = shape[i] == 0 && i < in.length ? in[i] : shape[i];
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Reshape to " + Arrays.toString(shape) + " has dimension "
                        + shape[i] + " (allowed: -1, 0, or 1.." + Integer.MAX_VALUE + ")");
            }
            out[i] = (int) d;
            // Past the element count the product can only mismatch; stopping there keeps it from overflowing.
            known = known > total ? known : known * d;
        }
        if (unknown >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("Reshape of " + Arrays.toString(in) + " to " + Arrays.toString(shape));
            }
            out[unknown] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("Reshape of " + Arrays.toString(in) + " to " + Arrays.toString(shape));
        }
        return out;
    }

    private static ConstTensor slice(ConstTensor x, List<ConstTensor> in) {
        long[] starts = in.get(1).asLongs();
        long[] ends = in.get(2).asLongs();
        long[] axes = in.size() > 3 && in.get(3) != null ? in.get(3).asLongs() : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? in.get(4).asLongs() : null;
        int[] dims = x.dims();
        int[] start = new int[dims.length];
        int[] step = new int[dims.length];
        int[] count = dims.clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int axis = axes == null ? k : (int) (axes[k] < 0 ? axes[k] + dims.length : axes[k]);
            int d = dims[axis];
            long st = steps == null ? 1 : steps[k];
            if (st == 0) {
                throw new IllegalArgumentException("Slice with step 0");
            }
            long s = starts[k] < 0 ? starts[k] + d : starts[k];
            long e = ends[k] < 0 ? ends[k] + d : ends[k];
            if (st > 0) {
                s = Math.max(0, Math.min(d, s));
                e = Math.max(0, Math.min(d, e));
                count[axis] = (int) Math.max(0, (e - s + st - 1) / st);
            } else {
                s = Math.max(-1, Math.min(d - 1, s));
                e = Math.max(-1, Math.min(d - 1, e));
                count[axis] = (int) Math.max(0, (s - e + (-st) - 1) / (-st));
            }
            start[axis] = (int) s;
            step[axis] = (int) st;
        }
        int n = Arrays.stream(count).reduce(1, (a, b) -> a * b);
        int[] srcStrides = strides(dims);
        int[] idx = new int[dims.length];
        float[] f = x.isFloat() ? new float[n] : null;
        long[] l = x.isFloat() ? null : new long[n];
        for (int o = 0; o < n; o++) {
            int rem = o;
            int src = 0;
            for (int d = dims.length - 1; d >= 0; d--) {
                idx[d] = rem % count[d];
                rem /= count[d];
                src += (start[d] + idx[d] * step[d]) * srcStrides[d];
            }
            if (f != null) {
                f[o] = x.floats()[src];
            } else {
                l[o] = x.longs()[src];
            }
        }
        return new ConstTensor(count, f, l);
    }

    private static ConstTensor transpose(ConstTensor x, int[] perm) {
        int[] dims = x.dims();
        int r = dims.length;
        int[] p = perm != null ? perm : reversed(r);
        int[] outDims = new int[r];
        for (int i = 0; i < r; i++) {
            outDims[i] = dims[p[i]];
        }
        int[] srcStrides = strides(dims);
        int n = x.size();
        float[] f = x.isFloat() ? new float[n] : null;
        long[] l = x.isFloat() ? null : new long[n];
        for (int o = 0; o < n; o++) {
            int rem = o;
            int src = 0;
            for (int d = r - 1; d >= 0; d--) {
                int i = rem % outDims[d];
                rem /= outDims[d];
                src += i * srcStrides[p[d]];
            }
            if (f != null) {
                f[o] = x.floats()[src];
            } else {
                l[o] = x.longs()[src];
            }
        }
        return new ConstTensor(outDims, f, l);
    }

    private static ConstTensor gather(ConstTensor x, ConstTensor indices, int axis) {
        if (x.rank() != 1 || axis != 0) {
            throw new IllegalArgumentException("Gather of constants is folded for 1-D data only");
        }
        long[] ix = indices.asLongs();
        int n = x.size();
        float[] f = x.isFloat() ? new float[ix.length] : null;
        long[] l = x.isFloat() ? null : new long[ix.length];
        for (int i = 0; i < ix.length; i++) {
            int k = (int) (ix[i] < 0 ? ix[i] + n : ix[i]);
            if (f != null) {
                f[i] = x.floats()[k];
            } else {
                l[i] = x.longs()[k];
            }
        }
        return new ConstTensor(indices.dims(), f, l);
    }

    private static int[] squeeze(int[] dims, int[] axes) {
        return java.util.stream.IntStream.range(0, dims.length)
                .filter(d -> axes == null ? dims[d] != 1 : Arrays.stream(axes).noneMatch(
                        a -> (a < 0 ? a + dims.length : a) == d))
                .map(d -> dims[d]).toArray();
    }

    private static int[] unsqueeze(int[] dims, int[] axes) {
        int r = dims.length + axes.length;
        int[] out = new int[r];
        boolean[] inserted = new boolean[r];
        for (int a : axes) {
            inserted[a < 0 ? a + r : a] = true;
        }
        for (int d = 0, k = 0; d < r; d++) {
            out[d] = inserted[d] ? 1 : dims[k++];
        }
        return out;
    }

    private static int[] reversed(int r) {
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = r - 1 - i;
        }
        return p;
    }

    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= dims[d];
        }
        return s;
    }
}
