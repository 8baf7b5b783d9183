package io.bitsweep.eval.engine.exact;

/**
 * Turns int32 accumulators into int8 activations: optional saturation to a narrower accumulator, per-channel
 * requantization, output zero point, activation clamp. One instance per layer; it counts the accumulator
 * saturation events it applied (never reset implicitly, so a run can report them). With a {@link ResidualInput}
 * (a fused residual ADD) the rescaled shortcut is added to each accumulator first: the sum, in 64 bits, is
 * saturated to the accumulator width (32 bits included, counted) and then requantized.
 *
 * <p>Scalar on purpose: a 64-bit-lane Vector API version was correct but 4x slower end to end on JDK 17 (measured
 * on ResNet-8, CPU time per image 7.3 ms against 1.7 ms), as C2 did not keep it intrinsified inside the kernels.
 */
public final class OutputStage {
    private final int[] multiplier;
    private final int[] shift;
    private final int outputZeroPoint;
    private final int activationMin;
    private final int activationMax;
    private final RequantRounding rounding;
    private final int accumulatorBits;
    private final long accumulatorMin;
    private final long accumulatorMax;
    private final ResidualInput residual;
    private long saturations;

    /**
     * @param multipliers one per output channel, or one for all {@code channels}
     * @param accumulatorBits 32 reproduces TFLite (int32 wraps, never saturates); fewer bits saturate the final
     *     accumulator (bias included) to a signed {@code accumulatorBits}-bit range and count the event
     */
    public OutputStage(QuantizedMultiplier[] multipliers, int channels, int outputZeroPoint, int activationMin,
            int activationMax, RequantRounding rounding, int accumulatorBits) {
        this(multipliers, channels, outputZeroPoint, activationMin, activationMax, rounding, accumulatorBits, null);
    }

    /**
     * @param residual the shortcut of a residual ADD fused into this layer, or null; then {@code out} of
     *     {@link #apply(int[], int, byte[], int, int)} is the ADD's output and {@code outOffset + c} indexes the
     *     shortcut too
     */
    public OutputStage(QuantizedMultiplier[] multipliers, int channels, int outputZeroPoint, int activationMin,
            int activationMax, RequantRounding rounding, int accumulatorBits, ResidualInput residual) {
        if (residual != null && residual.channels() != channels) {
            throw new IllegalArgumentException(residual.channels() + " shortcut multipliers for " + channels
                    + " channels");
        }
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new IllegalArgumentException("accumulator bits must be in 8..32, got " + accumulatorBits);
        }
        if (multipliers.length != 1 && multipliers.length != channels) {
            throw new IllegalArgumentException(multipliers.length + " multipliers for " + channels + " channels");
        }
        this.multiplier = new int[channels];
        this.shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            QuantizedMultiplier m = multipliers[multipliers.length == 1 ? 0 : c];
            multiplier[c] = m.multiplier();
            shift[c] = m.shift();
        }
        this.outputZeroPoint = outputZeroPoint;
        this.activationMin = activationMin;
        this.activationMax = activationMax;
        this.rounding = rounding;
        this.accumulatorBits = accumulatorBits;
        this.accumulatorMin = -(1L << (accumulatorBits - 1));
        this.accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
        this.residual = residual;
    }

    /** Requantizes {@code n} accumulators of consecutive channels {@code 0..n-1} into {@code out[outOffset..]}. */
    public void apply(int[] acc, byte[] out, int outOffset, int n) {
        apply(acc, 0, out, outOffset, n);
    }

    /** As {@link #apply(int[], byte[], int, int)}, reading the accumulators from {@code acc[accOffset..]}. */
    public void apply(int[] acc, int accOffset, byte[] out, int outOffset, int n) {
        if (residual != null) {
            for (int c = 0; c < n; c++) {
                out[outOffset + c] = (byte) applyWithShortcut(acc[accOffset + c], outOffset + c, c);
            }
            return;
        }
        for (int c = 0; c < n; c++) {
            out[outOffset + c] = (byte) apply(acc[accOffset + c], c);
        }
    }

    /** Requantizes one accumulator of channel {@code c}. */
    private int apply(int acc, int c) {
        int a = acc;
        if (accumulatorBits < 32 && (a < accumulatorMin || a > accumulatorMax)) {
            a = (int) (a < accumulatorMin ? accumulatorMin : accumulatorMax);
            saturations++;
        }
        return requantize(a, c);
    }

    /** Accumulator plus the rescaled shortcut element {@code index}, saturated to the accumulator width, requantized. */
    private int applyWithShortcut(int acc, int index, int c) {
        long sum = acc + residual.term(index, c);
        if (sum < accumulatorMin || sum > accumulatorMax) {
            sum = sum < accumulatorMin ? accumulatorMin : accumulatorMax;
            saturations++;
        }
        return requantize((int) sum, c);
    }

    private int requantize(int a, int c) {
        int v = rounding.apply(a, multiplier[c], shift[c]) + outputZeroPoint;
        return Math.max(activationMin, Math.min(activationMax, v));
    }

    public long saturations() {
        return saturations;
    }

    public int outputZeroPoint() {
        return outputZeroPoint;
    }
}
