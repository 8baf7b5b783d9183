package io.bitsweep.eval.engine.exact;

/**
 * How an int32 accumulator is scaled by a {@link QuantizedMultiplier}. TFLite has more than one answer: its own
 * kernels round twice (or once with {@code TFLITE_SINGLE_ROUNDING}), and the GEMM library it calls on x86 (ruy)
 * has its own output stage. A bit-exact engine must pick, per op, the one that the reference build runs.
 */
public enum Rounding {
    /** TFLite reference: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT (half away from zero twice). */
    DOUBLE,
    /** {@code TFLITE_SINGLE_ROUNDING}: one 64-bit rounding, half up. */
    SINGLE,
    /** ruy's x86 kernels: two roundings, each half up. */
    RUY_X86;

    public int apply(int x, int multiplier, int shift) {
        return switch (this) {
            case DOUBLE -> FixedPoint.multiplyByQuantizedMultiplier(x, multiplier, shift);
            case SINGLE -> FixedPoint.multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift);
            case RUY_X86 -> FixedPoint.multiplyByQuantizedMultiplierRuyX86(x, multiplier, shift);
        };
    }
}
