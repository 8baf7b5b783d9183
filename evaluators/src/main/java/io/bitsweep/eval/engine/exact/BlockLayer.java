package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.BlockFormat;

/**
 * What the exact engine needs to run one CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer on block arithmetic
 * (docs/BLOCK-ARITHMETIC.md): its weights in integer form, the block format its int8 input is requantized into
 * (null: the input stays the integer operand q - zp), and the real bias per output channel (or null).
 */
public record BlockLayer(BlockWeights weights, BlockFormat input, float[] bias) {}
