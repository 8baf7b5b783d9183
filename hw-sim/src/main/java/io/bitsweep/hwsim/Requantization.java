package io.bitsweep.hwsim;

/**
 * How a layer brings its results to their number format: the {@link ScaleForm} of its rescaling, the width of the
 * accumulator it rescales from, and whether its output is consumed in-register by a fused residual ADD.
 *
 * <ul>
 *   <li>{@code form}: one form for all the layer's requantization points: {@link ScaleForm#POWER_OF_TWO} only when
 *       every scale ratio the layer rescales by is a power of two (input, weight and output scales all
 *       {@code :pot}), {@link ScaleForm#BLOCK} when it writes block-format activations, otherwise
 *       {@link ScaleForm#FIXED_POINT};</li>
 *   <li>{@code accumulatorBits}: width of the register that is rescaled (8..32): the int32 accumulator of the int8
 *       path and of TFLite's ADD (inputs shifted left by 20 into 32 bits), or the aligned accumulator of block
 *       layers;</li>
 *   <li>{@code fusedWithNextAdd} (conv, depthwise, FC only): the layer's output never leaves the accumulator: the
 *       residual ADD that follows it in the workload adds its other input (the shortcut) into this layer's
 *       accumulator, and this layer's output stage requantizes the sum once (Geng et al.'s fused unit;
 *       docs/ASSIGNMENT.md "Residual fusion"). The ADD itself then costs nothing of its own.</li>
 * </ul>
 * {@link #TFLITE} is every layer's default: TFLite's int8 kernels, fixed-point multipliers on int32, no fusion.
 */
public record Requantization(ScaleForm form, int accumulatorBits, boolean fusedWithNextAdd) {

    /** TFLite's int8 reference kernels: per-channel fixed-point multipliers on an int32 accumulator, unfused. */
    public static final Requantization TFLITE = new Requantization(ScaleForm.FIXED_POINT, 32, false);

    public Requantization {
        if (form == null) {
            throw new HwSimException("requantization: scale form must be given (allowed: fixed-point, power-of-two,"
                    + " block)");
        }
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new HwSimException("requantization: accumulator bits = " + accumulatorBits + ": allowed 8..32");
        }
    }

    /** This description with another scale form. */
    public Requantization withForm(ScaleForm f) {
        return new Requantization(f, accumulatorBits, fusedWithNextAdd);
    }

    /** This description with the output fused into the next layer, a residual ADD (or not). */
    public Requantization withFusedNextAdd(boolean fused) {
        return new Requantization(form, accumulatorBits, fused);
    }
}
