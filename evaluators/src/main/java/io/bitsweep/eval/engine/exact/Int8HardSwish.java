package io.bitsweep.eval.engine.exact;

/**
 * HARD_SWISH int8 → int8 as TFLite computes it ({@code reference_ops::HardSwish}, which the optimized kernel equals
 * off ARM): the input on a "hires" scale of {@code input_scale / 128} in int16, a 16-bit fixed-point "relu-ish"
 * factor in [0, 1] from rescaling x from [-3, 3], and their product with a non-rounding doubling high multiply,
 * shifted to the output scale. Multipliers are Q15, from float ratios, as in TFLite's Prepare.
 */
public final class Int8HardSwish {
    private final int inputZeroPoint;
    private final int outputZeroPoint;
    private final short outputMultiplier;
    private final int outputExponent;
    private final short reluishMultiplier;
    private final int reluishExponent;

    public Int8HardSwish(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint) {
        this.inputZeroPoint = inputZeroPoint;
        this.outputZeroPoint = outputZeroPoint;
        float hiresInputScale = (1.0f / 128.0f) * inputScale;
        float reluishScale = 3.0f / 32768.0f;
        QuantizedMultiplier out = QuantizedMultiplier.of(hiresInputScale / outputScale);
        QuantizedMultiplier reluish = QuantizedMultiplier.of(hiresInputScale / reluishScale);
        if (out.shift() > 0) {
            throw new IllegalArgumentException("HARD_SWISH output multiplier exponent " + out.shift()
                    + " (TFLite requires <= 0: the output scale must be at least input_scale / 128)");
        }
        this.outputMultiplier = downScaleToInt16(out.multiplier());
        this.outputExponent = out.shift();
        this.reluishMultiplier = downScaleToInt16(reluish.multiplier());
        this.reluishExponent = reluish.shift();
    }

    /** TFLite's {@code DownScaleInt32ToInt16Multiplier}: the Q31 mantissa rounded to Q15. */
    static short downScaleToInt16(int multiplier) {
        int roundingOffset = 1 << 15;
        if (multiplier >= Integer.MAX_VALUE - roundingOffset) {
            return Short.MAX_VALUE;
        }
        return (short) ((multiplier + roundingOffset) >> 16);
    }

    /** The first {@code count} codes of {@code in} into {@code out}. */
    public void run(byte[] in, byte[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = (byte) apply(in[i]);
        }
    }

    int apply(byte x) {
        short inputValue = (short) (x - inputZeroPoint);
        short hires = (short) (inputValue * (1 << 7));
        short preshiftOutput = FixedPoint16.saturatingRoundingDoublingHighMul(hires, outputMultiplier);
        short reluish = hires;
        if (reluishExponent > 0) {
            reluish = FixedPoint16.saturatingLeftShift(reluish, reluishExponent - 1);
        }
        reluish = FixedPoint16.saturatingRoundingDoublingHighMul(reluish, reluishMultiplier);
        if (reluishExponent > 0) {
            reluish = FixedPoint16.saturatingLeftShift(reluish, 1);
        }
        if (reluishExponent < 0) {
            reluish = (short) FixedPoint.roundingDivideByPot(reluish, -reluishExponent);
        }
        reluish = (short) ((reluish + (1 << 15)) >> 1); // [-1, 1] -> [0, 1]
        short preshift = FixedPoint16.saturatingDoublingHighMul(reluish, preshiftOutput);
        short value = (short) FixedPoint.roundingDivideByPot(preshift, -outputExponent);
        value = (short) (value + outputZeroPoint);
        return Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, value));
    }
}
