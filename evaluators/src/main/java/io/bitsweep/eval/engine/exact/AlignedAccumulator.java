package io.bitsweep.eval.engine.exact;

/**
 * The cross-block accumulator of a block-format layer (docs/BLOCK-ARITHMETIC.md): a signed {@code bits}-bit
 * fixed-point register. Each exact block partial sum {@code P · 2^shift} (shift = the block's exponent minus the
 * accumulator's LSB exponent) is aligned to the LSB — a left shift is exact, a right shift rounds to nearest with
 * ties away from zero — saturated to the register, and added with saturation. Every add that saturates (the aligned
 * term, the sum, or both) counts one event.
 */
public final class AlignedAccumulator {
    private final long min;
    private final long max;
    private final int bits;
    private long saturations;

    public AlignedAccumulator(int bits) {
        if (bits < 8 || bits > 32) {
            throw new IllegalArgumentException("accumulator bits must be in 8..32, got " + bits);
        }
        this.bits = bits;
        this.min = -(1L << (bits - 1));
        this.max = (1L << (bits - 1)) - 1;
    }

    public int bits() {
        return bits;
    }

    /**
     * {@code acc + align(sum, shift)}, saturated. {@code acc} must be in the register's range and {@code |sum| <
     * 2^62} (the kernels check the worst case when they are built).
     */
    public long add(long acc, long sum, int shift) {
        long v;
        boolean saturated = false;
        if (shift >= 0) {
            if (sum == 0) {
                return acc;
            }
            if (shift >= bits || sum > (max >> shift) || sum < (min >> shift)) {
                v = sum < 0 ? min : max;
                saturated = true;
            } else {
                v = sum << shift;
            }
        } else {
            v = roundShiftRight(sum, -shift);
            if (v > max || v < min) {
                v = v < 0 ? min : max;
                saturated = true;
            }
        }
        long r = acc + v;
        if (r > max || r < min) {
            r = r < 0 ? min : max;
            saturated = true;
        }
        if (saturated) {
            saturations++;
        }
        return r;
    }

    /** Saturates a value (e.g. the bias in accumulator units) into the register, counting the event. */
    public long saturate(long v) {
        if (v > max || v < min) {
            saturations++;
            return v < 0 ? min : max;
        }
        return v;
    }

    /** {@code x / 2^k} rounded to nearest, ties away from zero; {@code |x| < 2^62}, k >= 1. */
    static long roundShiftRight(long x, int k) {
        if (k >= 63) {
            return 0;
        }
        long half = 1L << (k - 1);
        return x >= 0 ? (x + half) >> k : -((-x + half) >> k);
    }

    public long saturations() {
        return saturations;
    }
}
