package io.bitsweep.eval.model;

/** A fused activation applied to an op's output (TFLite's fused_activation_function). */
public enum Activation {
    NONE, RELU, RELU6, RELU_N1_TO_1;

    /** Applies the activation to a float value. */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
            case RELU_N1_TO_1 -> Math.min(Math.max(x, -1f), 1f);
        };
    }

    /** The lower clamp bound in the float domain (negative infinity for NONE). */
    public float min() {
        return switch (this) {
            case NONE -> Float.NEGATIVE_INFINITY;
            case RELU, RELU6 -> 0f;
            case RELU_N1_TO_1 -> -1f;
        };
    }

    /** The upper clamp bound in the float domain (positive infinity for NONE and RELU). */
    public float max() {
        return switch (this) {
            case NONE, RELU -> Float.POSITIVE_INFINITY;
            case RELU6 -> 6f;
            case RELU_N1_TO_1 -> 1f;
        };
    }
}
