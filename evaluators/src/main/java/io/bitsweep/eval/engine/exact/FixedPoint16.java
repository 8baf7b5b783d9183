package io.bitsweep.eval.engine.exact;

/** gemmlowp's int16 fixed-point primitives as TFLite's HARD_SWISH uses them, with their saturation behaviour. */
final class FixedPoint16 {
    private FixedPoint16() {}

    /** The high 16 bits of {@code 2*a*b}, rounded to nearest; {@code -32768 * -32768} saturates to 32767. */
    static short saturatingRoundingDoublingHighMul(short a, short b) {
        if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
            return Short.MAX_VALUE;
        }
        int ab = a * b;
        int nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
        return (short) ((ab + nudge) / (1 << 15)); // C++ division truncates toward zero, as Java's does
    }

    /** The high 16 bits of {@code 2*a*b}, truncated toward zero (no rounding nudge); the same saturation. */
    static short saturatingDoublingHighMul(short a, short b) {
        if (a == Short.MIN_VALUE && b == Short.MIN_VALUE) {
            return Short.MAX_VALUE;
        }
        return (short) ((a * b) / (1 << 15));
    }

    /** {@code value * 2^amount}, saturated to int16. */
    static short saturatingLeftShift(short value, int amount) {
        int result = value * (1 << amount);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, result));
    }
}
