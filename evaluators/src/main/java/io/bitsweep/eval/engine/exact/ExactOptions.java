package io.bitsweep.eval.engine.exact;

/**
 * How the bit-exact engine rounds and accumulates, and how it runs (neither of the last two changes a byte).
 *
 * @param convRounding requantization of CONV_2D (TFLite 2.6 runs it through its GEMM library, ruy)
 * @param fullyConnectedRounding requantization of FULLY_CONNECTED
 * @param kernelRounding requantization in TFLite's own kernels (DEPTHWISE_CONV_2D, QUANTIZE, the element-wise ops)
 * @param accumulatorBits accumulator width, 8..32; below 32 the final accumulator saturates (counted)
 * @param statistics gather activation statistics for hw-sim while running
 * @param kernels which integer GEMM kernels run the layers ({@link Kernels})
 * @param batchSize how many samples one run of the program takes at most (weights are reused across them);
 *     {@link #DEFAULT_BATCH_SIZE} unless set
 * @param arithmetic the profile whose SOFTMAX runs ({@link Arithmetic}); the three roundings are the rest of it
 */
public record ExactOptions(RequantRounding convRounding, RequantRounding fullyConnectedRounding,
        RequantRounding kernelRounding, int accumulatorBits, boolean statistics, Kernels kernels, int batchSize,
        Arithmetic arithmetic) {

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
        if (arithmetic == null) {
            throw new IllegalArgumentException("arithmetic must be one of tflite-2.6, tflite-micro");
        }
    }

    /** An int8 TFLite model as desktop TFLite 2.6.2 runs it ({@code of(Arithmetic.TFLITE_2_6)}). */
    public static ExactOptions tflite() {
        return of(Arithmetic.TFLITE_2_6);
    }

    /**
     * An int8 TFLite model as the profile's TFLite runs it.
     * <ul>
     *   <li>TFLite 2.6.2 on x86 as DJL runs it: conv and fully connected go through ruy, which rounds once;
     *       depthwise conv and requantize are TFLite's own kernels, which round twice. (Checked against DJL on every
     *       sample of the four MLPerf Tiny int8 models; double rounding for the GEMM ops breaks 40% of the rows.)</li>
     *   <li>The reference kernels (TF 2.21 {@code BUILTIN_REF}, TFLite Micro): fully connected rounds once, every
     *       other op twice. (Checked against {@code BUILTIN_REF} on every sample of the four models: rounding fully
     *       connected twice changes 48,513 of AD's 48,608 windows, conv once 101 of IC's 200 rows, depthwise once
     *       496 of VWW's 1000; docs/ASSIGNMENT.md "Arithmetic profiles".)</li>
     * </ul>
     */
    public static ExactOptions of(Arithmetic arithmetic) {
        RequantRounding conv = arithmetic == Arithmetic.TFLITE_2_6 ? RequantRounding.SINGLE : RequantRounding.DOUBLE;
        return new ExactOptions(conv, RequantRounding.SINGLE, RequantRounding.DOUBLE, 32, false, Kernels.AUTO,
                DEFAULT_BATCH_SIZE, arithmetic);
    }

    /**
     * A model quantized by an assignment: its {@code requant} rounding for every op ({@code double}: TFLite's
     * default build; {@code single}: a {@code TFLITE_SINGLE_ROUNDING} build; {@code SHIFT}: power-of-two formats),
     * except that under {@code tflite-micro} fully connected layers round once unless {@code rounding} is SHIFT, as
     * the reference kernels do ({@link #of}). Under {@code tflite-2.6} this is exactly what the engine computed
     * before profiles existed, so fronts searched then keep their bytes.
     */
    public static ExactOptions quantized(Arithmetic arithmetic, RequantRounding rounding) {
        RequantRounding fc = arithmetic == Arithmetic.TFLITE_MICRO && rounding != RequantRounding.SHIFT
                ? RequantRounding.SINGLE : rounding;
        return new ExactOptions(rounding, fc, rounding, 32, false, Kernels.AUTO, DEFAULT_BATCH_SIZE, arithmetic);
    }

    /** Every requantization with the given rounding, TFLite 2.6's softmax. */
    public static ExactOptions uniform(RequantRounding rounding) {
        return quantized(Arithmetic.TFLITE_2_6, rounding);
    }

    public ExactOptions withAccumulatorBits(int bits) {
        return new ExactOptions(convRounding, fullyConnectedRounding, kernelRounding,
                bits, statistics, kernels, batchSize, arithmetic);
    }

    public ExactOptions withStatistics(boolean on) {
        return new ExactOptions(convRounding, fullyConnectedRounding, kernelRounding,
                accumulatorBits, on, kernels, batchSize, arithmetic);
    }

    public ExactOptions withKernels(Kernels k) {
        return new ExactOptions(convRounding, fullyConnectedRounding, kernelRounding,
                accumulatorBits, statistics, k, batchSize, arithmetic);
    }

    public ExactOptions withBatchSize(int n) {
        return new ExactOptions(convRounding, fullyConnectedRounding, kernelRounding,
                accumulatorBits, statistics, kernels, n, arithmetic);
    }
}
