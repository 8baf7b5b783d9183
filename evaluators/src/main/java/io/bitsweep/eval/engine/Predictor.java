package io.bitsweep.eval.engine;

/**
 * Runs a model on one input at a time. Inputs and outputs are floats in the model's float domain: an int8 model's
 * predictor quantizes the input with the model's input parameters and dequantizes the output. Engines that produce
 * raw integer outputs expose them through {@link #rawOutput()}. Not thread-safe: one predictor per thread.
 */
public interface Predictor extends AutoCloseable {
    /** Floats in one output. */
    int outputSize();

    /** Runs one input (NHWC, flattened) and writes the output into {@code out} (length {@link #outputSize()}). */
    void predict(float[] input, float[] out);

    /** The raw output tensor bytes of the last {@link #predict} call if the model's output is int8, else null. */
    default byte[] rawOutput() {
        return null;
    }

    @Override
    void close();
}
