package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.Activation;

/** The int8 clamp range TFLite derives for a fused activation ({@code CalculateActivationRangeQuantized}). */
public final class ActivationRange {
    private ActivationRange() {}

    /** {@code {min, max}} for an int8 output with this scale and zero point. */
    public static int[] int8(Activation activation, float scale, int zeroPoint) {
        int qmin = -128;
        int qmax = 127;
        return switch (activation) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)),
                    Math.min(qmax, quantize(6f, scale, zeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantize(-1f, scale, zeroPoint)),
                    Math.min(qmax, quantize(1f, scale, zeroPoint))};
            case RELU_0_TO_1 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)),
                    Math.min(qmax, quantize(1f, scale, zeroPoint))};
        };
    }

    /** {@code zero_point + (int32) round(f / scale)}, the division in float as in TFLite. */
    private static int quantize(float f, float scale, int zeroPoint) {
        return zeroPoint + (int) TfliteMath.roundHalfAway(f / scale);
    }
}
