package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.QuantParams;

/** The small per-element kernels: ADD, SOFTMAX, copies, and rounding to an int8 grid. */
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
