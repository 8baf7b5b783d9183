package io.bitsweep.eval.quant;

import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import java.io.Serializable;
import java.util.Objects;

/**
 * How a float model is quantized besides its formats: calibration, weight scales, requantization rounding, residual
 * fusion, how weights are rounded to their codes, whether biases absorb the rounding's expected output shift, and
 * whose integer arithmetic runs the result ({@link Arithmetic}). One typed value from end to end: assignment JSON, {@code bitsweep eval} options and the search
 * config ({@code bitsweep.search.quantization}) all read into it. Its enums' lower-case names are the words users
 * write ({@link io.bitsweep.eval.Choices}).
 */
public record QuantSettings(Calibration calibration, WeightScales weightScales, Requant requant, Fusion fusion,
        WeightRounding weightRounding, boolean biasCorrection, Arithmetic arithmetic) implements Serializable {

    /**
     * Min/max calibration and weight scales, double rounding, no fusion, weights rounded to nearest, biases as they
     * are, TFLite 2.6's arithmetic: an assignment that names nothing.
     */
    public static final QuantSettings DEFAULT = new QuantSettings(Calibration.MINMAX, WeightScales.MINMAX,
            Requant.DOUBLE, Fusion.NONE);

    /**
     * Activation ranges: observed min/max; both tails at a percentile; the least expected squared error of the
     * tensor itself (mse); or the least squared error of the outputs of the layers that read the tensor (output).
     */
    public enum CalibrationMethod { MINMAX, PERCENTILE, MSE, OUTPUT }

    /** How activation ranges are calibrated; {@code percentile} is used by {@link CalibrationMethod#PERCENTILE}. */
    public record Calibration(CalibrationMethod method, double percentile) implements Serializable {
        public static final Calibration MINMAX = new Calibration(CalibrationMethod.MINMAX, 99.99);
    }

    /**
     * Per-channel weight scales: max |w|; the clip with the least squared weight error; or the clip with the least
     * error of the layer's output on the calibration inputs ({@code (w_q - w)ᵀ H (w_q - w)}, H-weighted).
     */
    public enum WeightScales { MINMAX, MSE, HESSIAN }

    /**
     * How a weight row becomes codes on its grid: each weight rounded to nearest on its own, or GPTQ-style error
     * compensation (the rounding error of each weight is pushed onto the weights not yet rounded, through the
     * inverse of the layer's input second moment; docs/ASSIGNMENT.md).
     */
    public enum WeightRounding { NEAREST, GPTQ }

    /**
     * Requantization rounding: TFLite's two roundings, or one, for every op; or {@code TFLITE}, each op kind as the
     * arithmetic profile's TFLite rounds it ({@link ExactOptions#of}: under tflite-2.6 conv and fully connected once,
     * depthwise and TFLite's own kernels twice), so that an exported .tflite computes the scored bytes.
     */
    public enum Requant { DOUBLE, SINGLE, TFLITE }

    /**
     * {@code none} requantizes a residual ADD as TFLite's int8 ADD does, after its inputs were quantized;
     * {@code residual} adds the shortcut into the accumulator of the CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
     * that feeds the ADD and requantizes once (docs/ASSIGNMENT.md).
     */
    public enum Fusion { NONE, RESIDUAL }

    public QuantSettings {
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(weightScales, "weightScales");
        Objects.requireNonNull(requant, "requant");
        Objects.requireNonNull(fusion, "fusion");
        Objects.requireNonNull(weightRounding, "weightRounding");
        Objects.requireNonNull(arithmetic, "arithmetic");
    }

    /** Weights rounded to nearest, biases as they are, TFLite 2.6's arithmetic. */
    public QuantSettings(Calibration calibration, WeightScales weightScales, Requant requant, Fusion fusion) {
        this(calibration, weightScales, requant, fusion, WeightRounding.NEAREST, false, Arithmetic.DEFAULT);
    }

    public QuantSettings withCalibration(Calibration c) {
        return new QuantSettings(c, weightScales, requant, fusion, weightRounding, biasCorrection, arithmetic);
    }

    public QuantSettings withWeightScales(WeightScales w) {
        return new QuantSettings(calibration, w, requant, fusion, weightRounding, biasCorrection, arithmetic);
    }

    public QuantSettings withRequant(Requant r) {
        return new QuantSettings(calibration, weightScales, r, fusion, weightRounding, biasCorrection, arithmetic);
    }

    public QuantSettings withFusion(Fusion f) {
        return new QuantSettings(calibration, weightScales, requant, f, weightRounding, biasCorrection, arithmetic);
    }

    public QuantSettings withWeightRounding(WeightRounding r) {
        return new QuantSettings(calibration, weightScales, requant, fusion, r, biasCorrection, arithmetic);
    }

    public QuantSettings withBiasCorrection(boolean on) {
        return new QuantSettings(calibration, weightScales, requant, fusion, weightRounding, on, arithmetic);
    }

    public QuantSettings withArithmetic(Arithmetic a) {
        return new QuantSettings(calibration, weightScales, requant, fusion, weightRounding, biasCorrection, a);
    }

    /**
     * Whether quantizing weights needs the layers' calibration input statistics ({@link LayerInputStatistics}):
     * for GPTQ rounding, bias correction and H-weighted clipping.
     */
    public boolean needsInputStatistics() {
        return weightRounding == WeightRounding.GPTQ || biasCorrection || weightScales == WeightScales.HESSIAN;
    }
}
