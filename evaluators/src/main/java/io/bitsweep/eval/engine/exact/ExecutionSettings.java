package io.bitsweep.eval.engine.exact;

import java.io.Serializable;

/**
 * How the bit-exact engine runs, as a user sets it ({@code --kernels}, {@code --batch-size}, the search config's
 * {@code engine} block): which kernels and how many samples per pass. Neither changes a byte of any output, so
 * neither is part of a candidate; the search ships this to the executors with the scorer.
 *
 * @param kernels which kernels run the layers
 * @param batchSize samples per run of the program, 1..{@link ExactOptions#MAX_BATCH_SIZE}
 */
public record ExecutionSettings(Kernels kernels, int batchSize) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The engine's own defaults: {@link Kernels#AUTO}, {@link ExactOptions#DEFAULT_BATCH_SIZE}. */
    public static final ExecutionSettings DEFAULT = new ExecutionSettings(Kernels.AUTO, ExactOptions.DEFAULT_BATCH_SIZE);

    public ExecutionSettings {
        if (kernels == null) {
            throw new IllegalArgumentException("kernels must be one of auto, java, native");
        }
        if (batchSize < 1 || batchSize > ExactOptions.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be in 1.." + ExactOptions.MAX_BATCH_SIZE + ", got "
                    + batchSize);
        }
    }

    /** {@code options} with these kernels and batch size; every arithmetic choice in it is kept. */
    public ExactOptions applyTo(ExactOptions options) {
        return options.withKernels(kernels).withBatchSize(batchSize);
    }

    /**
     * Whether the layers run on the native kernel in this JVM with these settings. Call it before any work:
     * {@link Kernels#NATIVE} where the native library does not load is a one-line error giving the reason.
     */
    public boolean runsNative() {
        return NativeKernels.use(kernels);
    }
}
