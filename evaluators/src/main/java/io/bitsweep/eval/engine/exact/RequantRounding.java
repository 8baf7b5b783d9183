package io.bitsweep.eval.engine.exact;

/**
 * How an int32 accumulator is scaled by a {@link QuantizedMultiplier}. TFLite has two answers in one build: its
 * own kernels round twice ({@code TFLITE_SINGLE_ROUNDING} off, the default), while the GEMM library it calls for
 * conv and fully connected layers (ruy) rounds once. A bit-exact engine must pick, per op, the one the reference
 * build runs; {@link ExactOptions#of} does, per {@link Arithmetic} profile.
 */
public enum RequantRounding {
    /** TFLite reference: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT (half away from zero twice). */
    DOUBLE,
    /** {@code TFLITE_SINGLE_ROUNDING} and ruy's output stage: one 64-bit rounding, half up. */
    SINGLE,
    /**
     * Power-of-two requantization (dataflow-based joint quantization): when the multiplier is an exact power of two
     * ({@code 2^30} mantissa) it is a bit shift only, rounding half away from zero (RoundingDivideByPOT); other
     * multipliers fall back to {@link #DOUBLE}.
     */
    SHIFT;

    public int apply(int x, int multiplier, int shift) {
        return switch (this) {
            case DOUBLE -> FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
            case SINGLE -> FixedPoint.multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift);
            case SHIFT -> multiplier == 1 << 30
                    ? (shift >= 1 ? x << (shift - 1) : FixedPoint.roundingDivideByPot(x, 1 - shift))
                    : FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
        };
    }
}
