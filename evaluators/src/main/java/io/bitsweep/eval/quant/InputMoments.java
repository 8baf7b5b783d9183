package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * What one quantizable layer's inputs looked like on the calibration split: the mean {@code E[x]} and the second
 * moment {@code H = E[x xᵀ]} of the vectors its weight rows are multiplied with (im2col patches in the weights'
 * reduction order for a conv, input rows for a fully connected layer, one input channel's patches for a depthwise
 * conv). Weight rows that see the same vectors share one group: a conv or FC layer has one, a depthwise conv one per
 * input channel. Immutable once gathered; the factor error-compensating rounding needs is made once per group, on
 * first use, and is safe to share between threads.
 */
public final class InputMoments {
    /** Dampening added to H's diagonal before it is inverted, as a fraction of the mean diagonal (GPTQ's 1%). */
    static final double DAMPENING = 0.01;

    private final String where;
    private final int length;
    private final int channelsPerGroup;
    private final DMatrixRMaj[] secondMoments;
    private final double[][] means;
    private final Factor[] factors;

    /**
     * The GPTQ factor of one group: the inputs in the order they are quantized (largest {@code H_ii} first), the
     * dampened H in that order, and the upper Cholesky factor U of its inverse ({@code (H + λI)⁻¹ = UᵀU}); null
     * when H is zero (every calibration input of the group was 0: no rounding changes the layer's output there).
     */
    record Factor(int[] order, DMatrixRMaj dampened, DMatrixRMaj upper) {}

    /** @param where what the moments describe, for messages: "layer conv_2d_0", "--hessian H.npy" */
    InputMoments(String where, int length, int channelsPerGroup, DMatrixRMaj[] secondMoments, double[][] means) {
        this.where = where;
        this.length = length;
        this.channelsPerGroup = channelsPerGroup;
        this.secondMoments = secondMoments;
        this.means = means;
        this.factors = new Factor[secondMoments.length];
    }

    /** The length of one input vector: the number of weights in one output channel's row. */
    public int length() {
        return length;
    }

    /** {@code E[x]} of the vectors output channel {@code channel} multiplies its weights with. */
    double[] mean(int channel) {
        return means[channel / channelsPerGroup];
    }

    /** {@code E[x xᵀ]} of the same vectors (read only). */
    DMatrixRMaj secondMoment(int channel) {
        return secondMoments[channel / channelsPerGroup];
    }

    /** The GPTQ factor of the channel's group (see {@link Factor}); computed on first use. */
    synchronized Factor factor(int channel) {
        int g = channel / channelsPerGroup;
        if (factors[g] == null) {
            factors[g] = factorOf(secondMoments[g]);
        }
        return factors[g].upper() == null ? null : factors[g];
    }

    /**
     * Orders the inputs by decreasing {@code H_ii} (GPTQ's "act order": the columns that matter most are rounded
     * first, while the most columns are left to absorb their error), dampens H by 1% of its mean diagonal, and
     * factors its inverse (Cholesky-based inversion, then the upper Cholesky factor), as GPTQ does. An H whose diagonal is all zero has no factor.
     */
    private Factor factorOf(DMatrixRMaj h) {
        int n = h.numRows;
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += h.get(i, i);
        }
        if (!Double.isFinite(trace)) {
            throw new BitSweepException(where + ": the calibration inputs are not finite (NaN or infinity); "
                    + "error-compensating rounding needs finite inputs");
        }
        if (trace == 0) {
            return new Factor(null, null, null);
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        // Stable sort: equal diagonals keep their input order, so the order is a function of H alone.
        Arrays.sort(boxed, (a, b) -> Double.compare(h.get(b, b), h.get(a, a)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        double damp = DAMPENING * trace / n;
        DMatrixRMaj p = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p.set(i, j, h.get(order[i], order[j]));
            }
            p.add(i, i, damp);
        }
        DMatrixRMaj inverse = new DMatrixRMaj(n, n);
        if (!CommonOps_DDRM.invertSPD(p.copy(), inverse)) {
            throw notPositiveDefinite();
        }
        CholeskyDecomposition_F64<DMatrixRMaj> upper = DecompositionFactory_DDRM.chol(n, false);
        if (!upper.decompose(inverse)) {
            throw notPositiveDefinite();
        }
        return new Factor(order, p, upper.getT(null));
    }

    private BitSweepException notPositiveDefinite() {
        return new BitSweepException(where + ": the second moment of the inputs is not positive semi-definite "
                + "(not positive definite even after dampening); error-compensating rounding cannot use it");
    }
}
