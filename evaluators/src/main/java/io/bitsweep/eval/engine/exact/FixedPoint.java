package io.bitsweep.eval.engine.exact;

/**
 * gemmlowp's fixed-point primitives as TFLite uses them. All functions are exact integer arithmetic with the
 * wrap-around and saturation behaviour of the C++ originals.
 */
public final class FixedPoint {
    private FixedPoint() {}

    /**
     * {@code SaturatingRoundingDoublingHighMul}: the high 32 bits of {@code 2*a*b}, rounded to nearest. Its nudge
     * and truncating division make exact ties round toward +inf (-0.5 gives 0, 0.5 gives 1); the only overflow case, {@code a == b == Integer.MIN_VALUE}, saturates to {@code Integer.MAX_VALUE}.
     */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31)); // C++ division truncates toward zero, as Java's does
    }

    /** {@code RoundingDivideByPOT}: arithmetic right shift by {@code exponent} in [0, 31], rounding half away from zero. */
    public static int roundingDivideByPot(int x, int exponent) {
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * TFLite's {@code MultiplyByQuantizedMultiplier} with double rounding (the default build): left shift (wrapping
     * as int32 multiplication does), then {@link #saturatingRoundingDoublingHighMul}, then {@link #roundingDivideByPot}.
     */
    public static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x * (1 << leftShift), multiplier), rightShift);
    }

    /**
     * {@code MultiplyByQuantizedMultiplier} as built with {@code TFLITE_SINGLE_ROUNDING}: one rounding, half up,
     * {@code (x * m + 2^(30 - shift)) >> (31 - shift)} in 64 bits.
     */
    public static int multiplyByQuantizedMultiplierSingleRounding(int x, int multiplier, int shift) {
        int totalShift = 31 - shift;
        long round = 1L << (totalShift - 1);
        long result = ((long) x * multiplier + round) >> totalShift;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, result));
    }

    /** {@code MultiplyByQuantizedMultiplierSmallerThanOneExp}, as ADD uses it for its input and output rescaling. */
    public static int multiplyByQuantizedMultiplierSmallerThanOneExp(int x, int multiplier, int leftShift) {
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x, multiplier), -leftShift);
    }

    /** gemmlowp's {@code RoundingHalfSum}: {@code (a + b) / 2}, rounded to nearest, ties away from zero. */
    public static int roundingHalfSum(int a, int b) {
        long sum = (long) a + b;
        return (int) ((sum + (sum >= 0 ? 1 : -1)) / 2); // truncating division, as C's
    }

    /**
     * gemmlowp's {@code SaturatingRoundingMultiplyByPOT} for a positive exponent: {@code x * 2^exponent}, saturated
     * to the int32 range (its thresholds are symmetric: below {@code -(2^(31-exponent) - 1)} saturates to MIN_VALUE).
     */
    public static int saturatingShiftLeft(int x, int exponent) {
        int threshold = (1 << (31 - exponent)) - 1;
        return x > threshold ? Integer.MAX_VALUE : x < -threshold ? Integer.MIN_VALUE : x << exponent;
    }
}
