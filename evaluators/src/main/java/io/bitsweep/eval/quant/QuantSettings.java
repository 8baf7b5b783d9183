package io.bitsweep.eval.quant;

import java.io.Serializable;
import java.util.Objects;

/**
 * How a float model is quantized besides its formats: calibration, weight scales, requantization rounding and
 * residual fusion. One typed value from end to end: assignment JSON, {@code bitsweep eval} options and the search
 * config ({@code bitsweep.search.quantization}) all read into it. Its enums' lower-case names are the words users
 * write ({@link io.bitsweep.eval.Choices}).
 */
public record QuantSettings(Calibration calibration, WeightScales weightScales, Requant requant, Fusion fusion)
        implements Serializable {

    /** Min/max calibration and weight scales, double rounding, no fusion: an assignment that names nothing. */
    public static final QuantSettings DEFAULT = new QuantSettings(Calibration.MINMAX, WeightScales.MINMAX,
            Requant.DOUBLE, Fusion.NONE);

    public enum CalibrationMethod { MINMAX, PERCENTILE, MSE }

    /** How activation ranges are calibrated; {@code percentile} is used by {@link CalibrationMethod#PERCENTILE}. */
    public record Calibration(CalibrationMethod method, double percentile) implements Serializable {
        public static final Calibration MINMAX = new Calibration(CalibrationMethod.MINMAX, 99.99);
    }

    /** Per-channel weight scales: max |w| or the least-squared-error clip. */
    public enum WeightScales { MINMAX, MSE }

    /** Requantization rounding: TFLite's two roundings, or one. */
    public enum Requant { DOUBLE, SINGLE }

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
    }

    public QuantSettings withFusion(Fusion f) {
        return new QuantSettings(calibration, weightScales, requant, f);
    }
}
