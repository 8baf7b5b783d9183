package io.bitsweep.eval.engine.exact;

/**
 * The shortcut operand of a residual ADD fused into the accumulator of the conv (or FC) feeding it
 * (docs/ASSIGNMENT.md, "Residual fusion"): its int8 codes {@code b} (zero point {@code zp}, scale {@code s_b}) are
 * rescaled into the accumulator's units {@code s_acc[c] = s_in * s_w[c]} with one fixed-point multiplier per output
 * channel, {@code QuantizeMultiplier(s_b / s_acc[c]) = (M, shift)}:
 *
 * <pre>  t = round((b - zp) * M * 2^(shift - 31))     nearest, ties away from zero, in 64 bits</pre>
 *
 * The shortcut tensor has the layout of the ADD's output, so element {@code i} of the output reads element
 * {@code i} of the shortcut.
 */
public final class ResidualInput {
    /**
     * Bound of a rescaled term. Exact in effect: the accumulator is an int32 and the sum is saturated to at most
     * 32 bits, so a term beyond ±2^40 saturates the sum to the same value it would have unbounded.
     */
    static final long TERM_LIMIT = 1L << 40;

    private final byte[] shortcut;
    private final int zeroPoint;
    private final long[] multiplier;
    private final int[] shift;

    /**
     * @param shortcut the shortcut tensor's buffer (read at every run, so it must be computed before the conv)
     * @param toAccumulator one multiplier per output channel, {@code s_b / (s_in * s_w[c])}
     */
    public ResidualInput(byte[] shortcut, int zeroPoint, QuantizedMultiplier[] toAccumulator) {
        this.shortcut = shortcut;
        this.zeroPoint = zeroPoint;
        this.multiplier = new long[toAccumulator.length];
        this.shift = new int[toAccumulator.length];
        for (int c = 0; c < toAccumulator.length; c++) {
            multiplier[c] = toAccumulator[c].multiplier();
            shift[c] = toAccumulator[c].shift();
        }
    }

    public int channels() {
        return multiplier.length;
    }

    /** The shortcut element {@code index} (of output channel {@code c}) in accumulator units of channel {@code c}. */
    long term(int index, int c) {
        return rescale(shortcut[index] - zeroPoint, multiplier[c], shift[c]);
    }

    /**
     * {@code round(d * m * 2^(shift - 31))}, nearest with ties away from zero, bounded by {@link #TERM_LIMIT}.
     * {@code |d| <= 255} and {@code m < 2^31}, so {@code d * m} needs at most 40 bits; {@code QuantizeMultiplier}
     * flushes multipliers below 2^-31 to zero, so a right shift is at most 62.
     */
    static long rescale(int d, long m, int shift) {
        long x = d * m;
        int right = 31 - shift;
        if (right > 0) {
            long half = 1L << (right - 1);
            return x >= 0 ? (x + half) >> right : -((-x + half) >> right);
        }
        if (x == 0) {
            return 0;
        }
        // a non-zero m is at least 2^30, so beyond a left shift of 10 every non-zero term is past the limit
        long shifted = -right > 10 ? Long.signum(x) * TERM_LIMIT : x << -right;
        return Math.max(-TERM_LIMIT, Math.min(TERM_LIMIT, shifted));
    }
}
