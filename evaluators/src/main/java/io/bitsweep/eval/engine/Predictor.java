package io.bitsweep.eval.engine;

/**
 * Runs a model on one input at a time, or on a batch where the engine takes one ({@link #batchCapacity()}). Inputs and outputs are floats in the model's float domain: an int8 model's
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

    /** Inputs one {@link #predictBatch} call takes at most; 1 for engines that run one input at a time. */
    default int batchCapacity() {
        return 1;
    }

    /**
     * Runs {@code inputs[0..n)} ({@code n <= batchCapacity()}) and writes output i into {@code outputs[i]}: exactly
     * what {@code n} calls of {@link #predict} give, in fewer passes over the weights.
     */
    default void predictBatch(float[][] inputs, int n, float[][] outputs) {
        if (n < 1 || n > batchCapacity()) {
            throw new IllegalArgumentException("batch of " + n + " inputs (allowed: 1.." + batchCapacity() + ")");
        }
        for (int i = 0; i < n; i++) {
            predict(inputs[i], outputs[i]);
        }
    }

    /**
     * The raw int8 output bytes of input {@code i} of the last {@link #predictBatch} call (input 0: of the last
     * {@link #predict} call too), or null if the model's output is not int8.
     */
    default byte[] rawOutput(int i) {
        if (i != 0) {
            throw new IllegalArgumentException("this engine runs one input at a time (asked for output " + i + ")");
        }
        return rawOutput();
    }

    /**
     * The int8 input bytes input {@code i} of the last {@link #predict}/{@link #predictBatch} call ran on, when the
     * engine quantizes its float input to int8 itself (the exact engine), else null: what an exported model takes.
     */
    default byte[] rawInput(int i) {
        return null;
    }

    @Override
    void close();
}
