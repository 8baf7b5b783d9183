package io.bitsweep.eval.engine.exact;

/**
 * A real multiplier as TFLite stores it: a Q31 fixed-point mantissa in [2^30, 2^31) and a power-of-two exponent
 * ({@code shift} > 0 shifts left), so that {@code real ≈ multiplier * 2^(shift - 31)}.
 */
public record QuantizedMultiplier(int multiplier, int shift) {

    /**
     * TFLite's {@code QuantizeMultiplier(double)}: frexp, round half away from zero to Q31, renormalise a mantissa
     * that rounded up to 2^31, and flush multipliers below 2^-31 to zero.
     */
    public static QuantizedMultiplier of(double real) {
        if (real == 0.0) {
            return new QuantizedMultiplier(0, 0);
        }
        if (!(real > 0.0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("multiplier must be finite and positive, got " + real);
        }
        int exp = frexpExponent(real);
        double mantissa = Math.scalb(real, -exp); // in [0.5, 1)
        long fixed = Math.round(mantissa * (1L << 31)); // mantissa > 0, so Math.round is half away from zero
        if (fixed == (1L << 31)) {
            fixed /= 2;
            exp++;
        }
        if (exp < -31) {
            return new QuantizedMultiplier(0, 0);
        }
        return new QuantizedMultiplier((int) fixed, exp);
    }

    /** The exponent {@code e} of C's {@code frexp}: {@code x = m * 2^e} with {@code m} in [0.5, 1). */
    static int frexpExponent(double x) {
        int e = Math.getExponent(x);
        if (e == Double.MIN_EXPONENT - 1) { // subnormal
            return Math.getExponent(x * 0x1p64) - 64 + 1;
        }
        return e + 1;
    }

    /** The real value this multiplier represents. */
    public double real() {
        return Math.scalb((double) multiplier, shift - 31);
    }
}
