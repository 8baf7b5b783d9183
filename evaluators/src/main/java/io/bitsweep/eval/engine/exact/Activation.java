package io.bitsweep.eval.engine.exact;

/** A fused activation and the int8 clamp range TFLite derives for it ({@code CalculateActivationRangeQuantized}). */
public enum Activation {
    NONE, RELU, RELU6, RELU_N1_TO_1;

    /** {@code {min, max}} for an int8 output with this scale and zero point. */
    public int[] int8Range(float scale, int zeroPoint) {
        int qmin = -128;
        int qmax = 127;
        return switch (this) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)), qmax};
            case RELU6 -> new int[] {Math.max(qmin, quantize(0f, scale, zeroPoint)),
                    Math.min(qmax, quantize(6f, scale, zeroPoint))};
            case RELU_N1_TO_1 -> new int[] {Math.max(qmin, quantize(-1f, scale, zeroPoint)),
                    Math.min(qmax, quantize(1f, scale, zeroPoint))};
        };
    }

    /** {@code zero_point + (int32) round(f / scale)}, the division in float as in TFLite. */
    private static int quantize(float f, float scale, int zeroPoint) {
        return zeroPoint + (int) TfliteMath.roundHalfAway(f / scale);
    }
}
