package io.bitsweep.eval.engine.exact;

import java.util.Arrays;

/**
 * Turns int32 accumulators into int8 activations: optional saturation to a narrower accumulator, per-channel
 * requantization, output zero point, fused-activation clamp. One instance per layer; it counts the accumulator
 * saturation events it applied (never reset implicitly, so a run can report them).
 */
public final class OutputStage {
    private final int[] multiplier;
    private final int[] shift;
    private final int outputZeroPoint;
    private final int activationMin;
    private final int activationMax;
    private final Rounding rounding;
    private final int accumulatorBits;
    private final long accumulatorMin;
    private final long accumulatorMax;
    private long saturations;

    /**
     * @param multipliers one per output channel, or one for all channels
     * @param accumulatorBits 32 reproduces TFLite (int32 wraps, never saturates); fewer bits saturate the final
     *     accumulator (bias included) to a signed {@code accumulatorBits}-bit range and count the event
     */
    public OutputStage(QuantizedMultiplier[] multipliers, int outputZeroPoint, int activationMin, int activationMax,
            Rounding rounding, int accumulatorBits) {
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new IllegalArgumentException("accumulator bits must be in 8..32, got " + accumulatorBits);
        }
        this.multiplier = Arrays.stream(multipliers).mapToInt(QuantizedMultiplier::multiplier).toArray();
        this.shift = Arrays.stream(multipliers).mapToInt(QuantizedMultiplier::shift).toArray();
        this.outputZeroPoint = outputZeroPoint;
        this.activationMin = activationMin;
        this.activationMax = activationMax;
        this.rounding = rounding;
        this.accumulatorBits = accumulatorBits;
        this.accumulatorMin = -(1L << (accumulatorBits - 1));
        this.accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
    }

    /** Requantizes {@code n} accumulators of consecutive channels {@code 0..n-1} into {@code out[outOffset..]}. */
    public void apply(int[] acc, byte[] out, int outOffset, int n) {
        boolean perChannel = multiplier.length > 1;
        for (int c = 0; c < n; c++) {
            int a = acc[c];
            if (accumulatorBits < 32 && (a < accumulatorMin || a > accumulatorMax)) {
                a = (int) (a < accumulatorMin ? accumulatorMin : accumulatorMax);
                saturations++;
            }
            int k = perChannel ? c : 0;
            int v = rounding.apply(a, multiplier[k], shift[k]) + outputZeroPoint;
            out[outOffset + c] = (byte) Math.max(activationMin, Math.min(activationMax, v));
        }
    }

    /** Requantizes one accumulator of channel {@code c}. */
    public int apply(int acc, int c) {
        int a = acc;
        if (accumulatorBits < 32 && (a < accumulatorMin || a > accumulatorMax)) {
            a = (int) (a < accumulatorMin ? accumulatorMin : accumulatorMax);
            saturations++;
        }
        int k = multiplier.length > 1 ? c : 0;
        int v = rounding.apply(a, multiplier[k], shift[k]) + outputZeroPoint;
        return Math.max(activationMin, Math.min(activationMax, v));
    }

    public long saturations() {
        return saturations;
    }

    public int outputZeroPoint() {
        return outputZeroPoint;
    }
}
