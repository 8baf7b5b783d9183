package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ElementGeometry;
import io.bitsweep.eval.model.QuantParams;

/** The small per-element kernels: ADD, MUL, HARD_SWISH, LOGISTIC, SOFTMAX, copies, and rounding to an int8 grid. */
final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** ADD of two equal-shape tensors, with the fused activation. */
    static Kernel add(float[] a, float[] b, float[] out, Activation act) {
        float lo = act.min();
        float hi = act.max();
        return () -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(Math.max(a[i] + b[i], lo), hi);
            }
        };
    }

    /**
     * MUL with broadcasting: {@code aStrides}/{@code bStrides} from {@link ElementGeometry#broadcastStrides} over
     * the right-aligned output dimensions {@code outDims}.
     */
    static Kernel mul(float[] a, int[] aStrides, float[] b, int[] bStrides, float[] out, int[] outDims,
            Activation act) {
        float lo = act.min();
        float hi = act.max();
        return () -> {
            int o = 0;
            for (int i0 = 0; i0 < outDims[0]; i0++) {
                for (int i1 = 0; i1 < outDims[1]; i1++) {
                    for (int i2 = 0; i2 < outDims[2]; i2++) {
                        int ia = i0 * aStrides[0] + i1 * aStrides[1] + i2 * aStrides[2];
                        int ib = i0 * bStrides[0] + i1 * bStrides[1] + i2 * bStrides[2];
                        for (int i3 = 0; i3 < outDims[3]; i3++, o++) {
                            float v = a[ia + i3 * aStrides[3]] * b[ib + i3 * bStrides[3]];
                            out[o] = Math.min(Math.max(v, lo), hi);
                        }
                    }
                }
            }
        };
    }

    /** HARD_SWISH: {@code x * min(6, max(0, x + 3)) / 6}, in TFLite's order of operations. */
    static Kernel hardSwish(float[] in, float[] out) {
        return () -> {
            for (int i = 0; i < out.length; i++) {
                float x = in[i];
                out[i] = x * Math.min(6f, Math.max(0f, x + 3f)) / 6f;
            }
        };
    }

    /** LOGISTIC: {@code 1 / (1 + exp(-x))}. */
    static Kernel logistic(float[] in, float[] out) {
        return () -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (1.0 / (1.0 + Math.exp(-in[i])));
            }
        };
    }

    /** SOFTMAX over rows of length {@code depth}: exp(beta*(x - max)) / sum, as TFLite's float kernel. */
    static Kernel softmax(float[] in, float[] out, int depth, float beta) {
        return () -> {
            for (int base = 0; base < in.length; base += depth) {
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < depth; i++) {
                    max = Math.max(max, in[base + i]);
                }
                float sum = 0f;
                for (int i = 0; i < depth; i++) {
                    float e = (float) Math.exp((in[base + i] - max) * beta);
                    out[base + i] = e;
                    sum += e;
                }
                for (int i = 0; i < depth; i++) {
                    out[base + i] /= sum;
                }
            }
        };
    }

    /** A plain copy (DEQUANTIZE in the float domain). */
    static Kernel copy(float[] in, float[] out) {
        return () -> System.arraycopy(in, 0, out, 0, out.length);
    }

    /**
     * Rounds values in place to the grid of a per-tensor quantized tensor of {@code [qmin, qmax]}:
     * {@code scale * (clamp(round(x/scale) + zp) - zp)}, rounding ties away from zero like TFLite. This is how the float engine simulates QUANTIZE and the
     * int8 activations of a quantized model (not bit-exact: the requantization arithmetic differs).
     */
    static Kernel roundToGrid(float[] in, float[] out, QuantParams q, int qmin, int qmax) {
        float scale = q.scale(0);
        long zp = q.zeroPoint(0);
        return () -> {
            for (int i = 0; i < out.length; i++) {
                float x = in[i] / scale;
                long v = (long) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5f)) + zp; // ties away from zero
                v = Math.min(Math.max(v, qmin), qmax);
                out[i] = scale * (v - zp);
            }
        };
    }
}
