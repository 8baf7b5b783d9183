package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.BitSweepException;

/**
 * SOFTMAX int8 → int8 as TFLite's reference kernel computes it (TFLite Micro, and TF 2.x with {@code BUILTIN_REF}):
 * integer only, in gemmlowp fixed point. Per row, with {@code d = x - max(row)}:
 * <ul>
 *   <li>{@code d} below {@code diffMin} contributes nothing and outputs -128;</li>
 *   <li>else {@code d} is scaled by {@code beta * inputScale} into Q5.26 ({@code MultiplyByQuantizedMultiplierGreaterThanOne},
 *       multiplier from {@code PreprocessSoftmaxScaling}), {@code exp} of it is taken in Q0.31
 *       ({@code exp_on_negative_values}: a Taylor polynomial on [-1/4, 0) and a barrel shifter of exp(-2^k)
 *       constants), and the exps are summed in Q12.19;</li>
 *   <li>the sum's reciprocal comes from Newton-Raphson ({@code one_over_one_plus_x_for_x_in_0_1}) and each output
 *       is {@code RoundingDivideByPOT(exp * reciprocal, bits over unit + 23) - 128}, clamped.</li>
 * </ul>
 * The output tensor must be at scale 1/256 with zero point -128, as TFLite requires of int8 softmax.
 */
public final class Int8FixedPointSoftmax {
    private static final int SCALED_DIFF_INTEGER_BITS = 5;
    private static final int ACCUMULATION_INTEGER_BITS = 12;
    /** exp(-2^k) in Q0.31 for k = -2..4: the barrel shifter of {@code exp_on_negative_values}. */
    private static final int[] EXP_OF_MINUS_POWERS_OF_TWO = {
        1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};

    private final int inputMultiplier;
    private final int inputLeftShift;
    private final int diffMin;
    private final int rowLength;
    private final int[] exps;

    /**
     * @throws BitSweepException when TFLite's reference kernel refuses the scale (it aborts the process:
     *     beta * scale <= 2^-26)
     */
    public Int8FixedPointSoftmax(float inputScale, float beta, int rowLength) {
        // PreprocessSoftmaxScaling: beta * scale as a Q5.26 multiplier, capped, and > 1 (QuantizeMultiplierGreaterThanOne)
        double real = Math.min((double) beta * (double) inputScale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)),
                (1L << 31) - 1.0);
        if (!(real > 1.0)) {
            throw new BitSweepException("softmax: beta * input scale = " + (double) beta * inputScale
                    + " is at most 2^-26, which TFLite's reference softmax does not take (allowed: above 2^-26)");
        }
        QuantizedMultiplier m = QuantizedMultiplier.of(real);
        this.inputMultiplier = m.multiplier();
        this.inputLeftShift = m.shift();
        // -CalculateInputRadius(5, shift): the largest |d| whose scaled value still fits Q5.26
        this.diffMin = -(int) Math.floor((double) ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                * (1L << (31 - SCALED_DIFF_INTEGER_BITS)) / (1L << inputLeftShift));
        this.rowLength = rowLength;
        this.exps = new int[rowLength]; // one row's exps, kept between the sum and the outputs
    }

    /**
     * The Q31 mantissa of {@code beta * inputScale * 2^26}, with {@link #inputLeftShift} its exponent: the kernel's
     * parameters as TFLite's {@code SoftmaxParams} holds them (an exporter writes these).
     */
    public int inputMultiplier() {
        return inputMultiplier;
    }

    public int inputLeftShift() {
        return inputLeftShift;
    }

    /** The smallest {@code x - max(row)} that contributes. */
    public int diffMin() {
        return diffMin;
    }

    /** The first {@code count} codes of {@code in} (whole rows), into {@code out}. */
    public void run(byte[] in, byte[] out, int count) {
        for (int base = 0; base < count; base += rowLength) {
            int max = Byte.MIN_VALUE;
            for (int j = 0; j < rowLength; j++) {
                max = Math.max(max, in[base + j]);
            }
            int sum = 0; // Q12.19; plain int32 addition, as gemmlowp's
            for (int j = 0; j < rowLength; j++) {
                int d = in[base + j] - max;
                if (d >= diffMin) {
                    int scaled = FixedPoint.saturatingRoundingDoublingHighMul(d * (1 << inputLeftShift),
                            inputMultiplier);
                    exps[j] = expOnNegativeValues(scaled);
                    sum += FixedPoint.roundingDivideByPot(exps[j], ACCUMULATION_INTEGER_BITS);
                }
            }
            int headroomPlusOne = Integer.numberOfLeadingZeros(sum);
            int bitsOverUnit = ACCUMULATION_INTEGER_BITS - headroomPlusOne;
            int reciprocal = oneOverOnePlusX((sum << headroomPlusOne) - Integer.MIN_VALUE);
            int exponent = bitsOverUnit + 31 - 8;
            for (int j = 0; j < rowLength; j++) {
                if (in[base + j] - max >= diffMin) {
                    int q = FixedPoint.roundingDivideByPot(
                            FixedPoint.saturatingRoundingDoublingHighMul(reciprocal, exps[j]), exponent) - 128;
                    out[base + j] = (byte) Math.max(-128, Math.min(127, q));
                } else {
                    out[base + j] = -128;
                }
            }
        }
    }

    /** {@code exp(a)} in Q0.31 for {@code a <= 0} in Q5.26 (gemmlowp's {@code exp_on_negative_values}). */
    static int expOnNegativeValues(int a) {
        final int fractionalBits = 31 - SCALED_DIFF_INTEGER_BITS;
        final int oneQuarter = 1 << (fractionalBits - 2);
        int aModQuarterMinusQuarter = (a & (oneQuarter - 1)) - oneQuarter;
        int result = expOnQuarterInterval(FixedPoint.saturatingShiftLeft(aModQuarterMinusQuarter,
                SCALED_DIFF_INTEGER_BITS));
        int remainder = aModQuarterMinusQuarter - a;
        for (int k = -2; k <= 4; k++) {
            if ((remainder & (1 << (fractionalBits + k))) != 0) {
                result = FixedPoint.saturatingRoundingDoublingHighMul(result, EXP_OF_MINUS_POWERS_OF_TWO[k + 2]);
            }
        }
        return a == 0 ? Integer.MAX_VALUE : result;
    }

    /** {@code exp(a)} for {@code a} in [-1/4, 0), Q0.31: Taylor expansion around -1/8 to the fourth power. */
    static int expOnQuarterInterval(int a) {
        final int expMinusOneEighth = 1895147668;
        final int oneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = FixedPoint.saturatingRoundingDoublingHighMul(x, x);
        int x3 = FixedPoint.saturatingRoundingDoublingHighMul(x2, x);
        int x4 = FixedPoint.saturatingRoundingDoublingHighMul(x2, x2);
        int x4Over4 = FixedPoint.roundingDivideByPot(x4, 2);
        int poly = FixedPoint.roundingDivideByPot(
                FixedPoint.saturatingRoundingDoublingHighMul(x4Over4 + x3, oneThird) + x2, 1);
        return expMinusOneEighth + FixedPoint.saturatingRoundingDoublingHighMul(expMinusOneEighth, x + poly);
    }

    /** {@code 1 / (1 + x)} for {@code x} in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29. */
    static int oneOverOnePlusX(int a) {
        final int one = 1 << 29; // 1.0 in Q2.29
        int halfDenominator = FixedPoint.roundingHalfSum(a, Integer.MAX_VALUE);
        int x = 1515870810 + FixedPoint.saturatingRoundingDoublingHighMul(halfDenominator, -1010580540);
        for (int i = 0; i < 3; i++) {
            int oneMinusHalfDenominatorTimesX = one - FixedPoint.saturatingRoundingDoublingHighMul(halfDenominator, x);
            x = x + FixedPoint.saturatingShiftLeft(
                    FixedPoint.saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX), 2);
        }
        return FixedPoint.saturatingShiftLeft(x, 1);
    }
}
