package io.bitsweep.eval.engine.exact;

/**
 * How the bit-exact engine rounds and accumulates, and how it runs (neither of the last two changes a byte).
 *
 * @param gemmRounding requantization of CONV_2D and FULLY_CONNECTED, which TFLite runs through its GEMM library
 * @param kernelRounding requantization in TFLite's own kernels (DEPTHWISE_CONV_2D, QUANTIZE)
 * @param accumulatorBits accumulator width, 8..32; below 32 the final accumulator saturates (counted)
 * @param statistics gather activation statistics for hw-sim while running
 * @param kernels which integer GEMM kernels run the layers ({@link Kernels})
 * @param batchSize how many samples one run of the program takes at most (weights are reused across them);
 *     {@link #DEFAULT_BATCH_SIZE} unless set
 */
public record ExactOptions(RequantRounding gemmRounding, RequantRounding kernelRounding, int accumulatorBits,
        boolean statistics, Kernels kernels, int batchSize) {

    /**
     * Samples per run unless set: docs/PERFORMANCE.md ("Kernels and batches") has the measurement (the Java kernels
     * gain about 2x from 1 to 8, 8 to 32 was inside the noise; activation buffers grow with the batch).
     */
    public static final int DEFAULT_BATCH_SIZE = 8;
    /** Largest batch a program takes: its activation buffers grow linearly with it. */
    public static final int MAX_BATCH_SIZE = 256;

    public ExactOptions {
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new IllegalArgumentException("accumulator bits must be in 8..32, got " + accumulatorBits);
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be in 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("kernels must be one of auto, java, native");
        }
    }

    /**
     * Desktop TFLite 2.6.2 on x86 as DJL runs it: conv and fully connected go through ruy, which rounds once;
     * depthwise conv and requantize are TFLite's own kernels, which round twice. (Checked against DJL on every
     * sample of the four MLPerf Tiny int8 models; double rounding for the GEMM ops breaks 40% of the rows.)
     */
    public static ExactOptions tflite() {
        return new ExactOptions(RequantRounding.SINGLE, RequantRounding.DOUBLE, 32, false, Kernels.AUTO,
                DEFAULT_BATCH_SIZE);
    }

    /** Every requantization with the given rounding (an assignment's {@code requant: double | single}). */
    public static ExactOptions uniform(RequantRounding rounding) {
        return new ExactOptions(rounding, rounding, 32, false, Kernels.AUTO, DEFAULT_BATCH_SIZE);
    }

    public ExactOptions withAccumulatorBits(int bits) {
        return new ExactOptions(gemmRounding, kernelRounding, bits, statistics, kernels, batchSize);
    }

    public ExactOptions withStatistics(boolean on) {
        return new ExactOptions(gemmRounding, kernelRounding, accumulatorBits, on, kernels, batchSize);
    }

    public ExactOptions withKernels(Kernels k) {
        return new ExactOptions(gemmRounding, kernelRounding, accumulatorBits, statistics, k, batchSize);
    }

    public ExactOptions withBatchSize(int n) {
        return new ExactOptions(gemmRounding, kernelRounding, accumulatorBits, statistics, kernels, n);
    }
}
