package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.Choices;

/**
 * Which TFLite's integer arithmetic the exact engine reproduces (an arithmetic profile): the requantization rounding
 * of each op kind and the int8 SOFTMAX. Both profiles agree on everything else (accumulation, padding, pooling, ADD,
 * clamps). An exporter that must compute the engine's bytes reads the same choices from here and from
 * {@link ExactOptions}.
 */
public enum Arithmetic implements Choices.Spelled {
    /**
     * Desktop TFLite 2.6.2 on x86 as DJL runs it: CONV_2D and FULLY_CONNECTED go through ruy, which rounds once;
     * DEPTHWISE_CONV_2D and QUANTIZE are TFLite's own kernels, which round twice; SOFTMAX is the optimized kernel's
     * float lookup table ({@link Int8Softmax}).
     */
    TFLITE_2_6("tflite-2.6"),
    /**
     * TFLite's reference kernels, which TFLite Micro runs and TF 2.21 runs with {@code BUILTIN_REF}: CONV_2D,
     * DEPTHWISE_CONV_2D and QUANTIZE requantize through {@code MultiplyByQuantizedMultiplier}, which rounds twice;
     * FULLY_CONNECTED rounds once (measured against TF 2.21's {@code BUILTIN_REF}, see
     * {@link ExactOptions#of}); SOFTMAX is gemmlowp fixed point ({@link Int8FixedPointSoftmax}).
     */
    TFLITE_MICRO("tflite-micro");

    /** An assignment file or search config that names no arithmetic: what the engine computed before profiles. */
    public static final Arithmetic DEFAULT = TFLITE_2_6;

    private final String word;

    Arithmetic(String word) {
        this.word = word;
    }

    @Override
    public String word() {
        return word;
    }
}
