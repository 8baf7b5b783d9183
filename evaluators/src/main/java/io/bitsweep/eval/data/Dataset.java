package io.bitsweep.eval.data;

/**
 * A labelled evaluation set, already preprocessed into the float inputs a model takes (NHWC, flattened).
 * Samples are in y_labels.csv order. A sample is one model input, except for anomaly detection, where a file
 * is cut into several windows and each window is one model input.
 */
public interface Dataset {
    /** Which MLPerf Tiny task (and so which preprocessing and metric) this is. */
    TaskKind kind();

    /** Number of samples (files). */
    int size();

    /** The sample's file name, as in y_labels.csv. */
    String id(int sample);

    /** The ground-truth class (for AD: 0 normal, 1 anomaly). */
    int label(int sample);

    /** Model inputs per sample: 1, or the number of windows for AD. */
    int inputsPerSample();

    /** Floats in one model input. */
    int inputSize();

    /** Copies one model input of a sample into {@code dst} (length {@link #inputSize()}). */
    void input(int sample, int window, float[] dst);

    /** SHA-256 (hex) over the raw data and labels this set was read from: the data set's identity in provenance. */
    String sha256();

    /** The shape of one model input without the batch dimension (NHWC); its product is {@link #inputSize()}. */
    default int[] inputShape() {
        return new int[] {inputSize()};
    }

    /** The number of classes labels are drawn from (AD: 2, normal and anomaly). */
    default int classes() {
        return 2;
    }
}
