package io.bitsweep.eval.engine.exact;

/**
 * How the bit-exact engine rounds and accumulates.
 *
 * @param gemmRounding requantization of CONV_2D and FULLY_CONNECTED, which TFLite runs through its GEMM library
 * @param kernelRounding requantization in TFLite's own kernels (DEPTHWISE_CONV_2D, QUANTIZE)
 * @param accumulatorBits accumulator width, 8..32; below 32 the final accumulator saturates (counted)
 * @param statistics gather activation statistics for hw-sim while running
 */
public record ExactOptions(RequantRounding gemmRounding, RequantRounding kernelRounding, int accumulatorBits, boolean statistics) {

    /**
     * Desktop TFLite 2.6.2 on x86 as DJL runs it: conv and fully connected go through ruy, which rounds once;
     * depthwise conv and requantize are TFLite's own kernels, which round twice. (Checked against DJL on every
     * sample of the four MLPerf Tiny int8 models; double rounding for the GEMM ops breaks 40% of the rows.)
     */
    public static ExactOptions tflite() {
        return new ExactOptions(RequantRounding.SINGLE, RequantRounding.DOUBLE, 32, false);
    }

    /** Every requantization with the given rounding (an assignment's {@code requant: double | single}). */
    public static ExactOptions uniform(RequantRounding rounding) {
        return new ExactOptions(rounding, rounding, 32, false);
    }

    public ExactOptions withAccumulatorBits(int bits) {
        return new ExactOptions(gemmRounding, kernelRounding, bits, statistics);
    }

    public ExactOptions withStatistics(boolean on) {
        return new ExactOptions(gemmRounding, kernelRounding, accumulatorBits, on);
    }
}
