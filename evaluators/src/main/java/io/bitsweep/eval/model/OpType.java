package io.bitsweep.eval.model;

import java.util.Locale;

/**
 * The op types the IR supports, named as TFLite's BuiltinOperator names them (ONNX ops are imported as these). The
 * order is that of error messages listing them.
 */
public enum OpType {
    CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, MUL, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, PAD, CONCATENATION,
    RESHAPE, HARD_SWISH, LOGISTIC, SOFTMAX, QUANTIZE, DEQUANTIZE;

    /** The prefix of stable layer names, e.g. {@code conv_2d} for {@code conv_2d_0} (docs/MODELS.md). */
    public String layerPrefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether ops of this type have weights with output channels that the search assigns bitwidths to. */
    public boolean isQuantizable() {
        return this == CONV_2D || this == DEPTHWISE_CONV_2D || this == FULLY_CONNECTED;
    }

    /** Whether the op moves or computes element by element without weights (hw-sim costs its elements). */
    public boolean isElementwise() {
        return this == ADD || this == MUL || this == HARD_SWISH || this == LOGISTIC || this == PAD
                || this == CONCATENATION;
    }
}
