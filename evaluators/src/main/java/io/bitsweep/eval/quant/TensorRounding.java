package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import org.ejml.data.DMatrixRMaj;

/**
 * The weight rounding methods on one tensor outside a model ({@code bitsweep quantize --weight-rounding gptq}): each
 * group of the layout is a row, and {@code h}, the second moment E[x xᵀ] of the vectors the rows multiply, is given
 * by the caller instead of gathered from calibration data.
 */
public final class TensorRounding {
    private TensorRounding() {}

    /**
     * Quantizes every row of {@code values} with {@code format} (symmetric integer), its clip chosen by
     * {@code scales} and its codes by {@code rounding}, and writes the dequantized values to {@code dst}.
     *
     * @param h     row-major K x K, K = elements per group; symmetric. Null when neither GPTQ rounding nor hessian
     *              scales are asked for
     * @param hName names h in errors (e.g. "--hessian H.npy")
     */
    public static void quantizeDequantize(float[] values, Layout layout, IntFormat format,
            QuantSettings.WeightScales scales, QuantSettings.WeightRounding rounding, double[] h, String hName,
            float[] dst) {
        if (format.asymmetric()) {
            throw new BitSweepException(format.spec() + ": weight rounding methods take symmetric integer formats "
                    + "(allowed: int2..int16, with :pot)");
        }
        int k = layout.size() / Math.max(1, layout.groups());
        QuantizedRows rows = RowQuantizer.quantize(values, layout, format, scales, rounding,
                h == null ? null : moments(h, k, hName));
        for (int g = 0; g < layout.groups(); g++) {
            int base = layout.base(g);
            int at = g * k;
            for (int r = 0; r < layout.runs(); r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < layout.runLength(g);
                        t++, i += layout.elementStride()) {
                    dst[i] = (float) ((double) rows.codes()[at++] * rows.scales()[g]);
                }
            }
        }
    }

    private static InputMoments moments(double[] h, int k, String hName) {
        if (h.length != (long) k * k) {
            throw new BitSweepException(hName + ": " + h.length + " values, but the rows have " + k + " elements "
                    + "each (allowed: a " + k + " x " + k + " matrix)");
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double a = h[i * k + j];
                double b = h[j * k + i];
                if (!Double.isFinite(a)) {
                    throw new BitSweepException(hName + ": element (" + i + ", " + j + ") is " + a
                            + " (allowed: finite values)");
                }
                if (Math.abs(a - b) > 1e-6 * (Math.abs(a) + Math.abs(b)) + Double.MIN_NORMAL) {
                    throw new BitSweepException(hName + ": not symmetric: (" + i + ", " + j + ") = " + a + " but ("
                            + j + ", " + i + ") = " + b + " (a second moment E[x xT] is symmetric)");
                }
            }
        }
        return new InputMoments(hName, k, Integer.MAX_VALUE, new DMatrixRMaj[] {DMatrixRMaj.wrap(k, k, h.clone())},
                new double[][] {new double[k]});
    }
}
