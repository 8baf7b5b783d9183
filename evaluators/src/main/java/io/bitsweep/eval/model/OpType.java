package io.bitsweep.eval.model;

import java.util.Locale;

/** The op types the IR supports. Their order is the order of TFLite's BuiltinOperator names, not their codes. */
public enum OpType {
    CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D, MAX_POOL_2D, RESHAPE, SOFTMAX, QUANTIZE, DEQUANTIZE;

    /** The prefix of stable layer names, e.g. {@code conv_2d} for {@code conv_2d_0} (docs/MODELS.md). */
    public String layerPrefix() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether ops of this type have weights with output channels that the search assigns bitwidths to. */
    public boolean isQuantizable() {
        return this == CONV_2D || this == DEPTHWISE_CONV_2D || this == FULLY_CONNECTED;
    }
}
