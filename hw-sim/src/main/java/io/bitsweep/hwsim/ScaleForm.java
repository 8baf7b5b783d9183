package io.bitsweep.hwsim;

/**
 * How a requantization rescales integer values onto another scale; what the hardware has to execute per element.
 * <ul>
 *   <li>{@link #FIXED_POINT}: multiply by a per-channel fixed-point multiplier, rounding shift (TFLite's
 *       {@code MultiplyByQuantizedMultiplier}); needed whenever a scale ratio is not a power of two;</li>
 *   <li>{@link #POWER_OF_TWO}: the scale ratio is 2^k, so a rounding shift replaces the multiply (Geng et al. 2019,
 *       formats with {@code :pot});</li>
 *   <li>{@link #BLOCK}: block floating point, where scales are shared exponents: aligning an operand to another
 *       block's exponent, or normalising results into blocks (leading-one detection, block maximum, shift, round,
 *       saturate).</li>
 * </ul>
 */
public enum ScaleForm {
    FIXED_POINT("fixed-point"), POWER_OF_TWO("power-of-two"), BLOCK("block");

    private final String label;

    ScaleForm(String label) {
        this.label = label;
    }

    /** The name used in target files ({@code target.requantization.<label>}) and reports. */
    public String label() {
        return label;
    }
}
