package io.bitsweep.eval.data;

/**
 * Labelled model inputs, the least that scoring needs: a {@link Dataset} is one, and so is a search executor's
 * cached shard. A sample is one model input, except for anomaly detection, where each window is one model input.
 */
public interface LabelledSamples {
    /** Which task (and so which metric) the samples are for. */
    TaskKind kind();

    /** Number of samples. */
    int size();

    /** The ground-truth class (for AD: 0 normal, 1 anomaly). */
    int label(int sample);

    /** Model inputs per sample: 1, or the number of windows for AD. */
    int inputsPerSample();

    /** Floats in one model input. */
    int inputSize();

    /** Copies one model input of a sample into {@code dst} (length {@link #inputSize()}). */
    void input(int sample, int window, float[] dst);
}
