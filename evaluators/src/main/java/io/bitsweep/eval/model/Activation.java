package io.bitsweep.eval.model;

/**
 * A fused activation applied to an op's output (TFLite's fused_activation_function). RELU_0_TO_1 is not one of
 * TFLite's fused activations: the ONNX importer fuses a HardSigmoid into the layer before it as an affine rescale of
 * the layer's weights and bias, clamped to [0, 1].
 */
public enum Activation {
    NONE, RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1;

    /** Applies the activation to a float value. */
    public float apply(float x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> Math.max(x, 0f);
            case RELU6 -> Math.min(Math.max(x, 0f), 6f);
            case RELU_N1_TO_1 -> Math.min(Math.max(x, -1f), 1f);
            case RELU_0_TO_1 -> Math.min(Math.max(x, 0f), 1f);
        };
    }

    /** The lower clamp bound in the float domain (negative infinity for NONE). */
    public float min() {
        return switch (this) {
            case NONE -> Float.NEGATIVE_INFINITY;
            case RELU, RELU6, RELU_0_TO_1 -> 0f;
            case RELU_N1_TO_1 -> -1f;
        };
    }

    /** The upper clamp bound in the float domain (positive infinity for NONE and RELU). */
    public float max() {
        return switch (this) {
            case NONE, RELU -> Float.POSITIVE_INFINITY;
            case RELU6 -> 6f;
            case RELU_N1_TO_1, RELU_0_TO_1 -> 1f;
        };
    }
}
