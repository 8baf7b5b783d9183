package io.bitsweep.eval.quant;

import io.bitsweep.eval.format.IntFormat;

/**
 * GPTQ (Frantar et al. 2023), the Optimal Brain Quantization update in Cholesky form, for one weight row on a fixed
 * symmetric grid. Weights are rounded one at a time, in the factor's order; each rounding error is pushed onto the
 * weights not yet rounded through the inverse of the dampened input second moment, so that the layer's output on the
 * calibration inputs moves as little as possible: with {@code (H + λI)⁻¹ = UᵀU},
 * <pre>
 *   for j in order:  q_j = grid(w_j);  e = (w_j - q_j) / U_jj;  w_k -= e · U_jk  for every later k
 * </pre>
 * The sum of {@code e²} is the row's dampened H-weighted error {@code (q - w)ᵀ (H + λI) (q - w)}.
 */
final class ErrorCompensatingRounding {
    private ErrorCompensatingRounding() {}

    /**
     * Rounds {@code row} (in the weights' reduction order) onto {@code format}'s grid of step {@code scale}.
     *
     * @param codes out: the codes, in the weights' reduction order
     * @param work  scratch of at least {@code row.length} doubles
     * @return the dampened H-weighted error of the rounded row
     */
    static double round(float[] row, IntFormat format, double scale, InputMoments.Factor factor, int[] codes,
            double[] work) {
        int n = row.length;
        int[] order = factor.order();
        double[] u = factor.upper().data;
        for (int j = 0; j < n; j++) {
            work[j] = row[order[j]];
        }
        double loss = 0;
        for (int j = 0; j < n; j++) {
            int code = format.symmetricCode(work[j], scale);
            codes[order[j]] = code;
            double err = (work[j] - code * scale) / u[j * n + j];
            loss += err * err;
            for (int k = j + 1, at = j * n + k; k < n; k++, at++) {
                work[k] -= err * u[at];
            }
        }
        return loss;
    }
}
