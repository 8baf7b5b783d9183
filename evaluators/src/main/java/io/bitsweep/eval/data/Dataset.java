package io.bitsweep.eval.data;

/**
 * A labelled evaluation set, already preprocessed into the float inputs a model takes (NHWC, flattened).
 * Samples are in y_labels.csv order. A sample is one model input, except for anomaly detection, where a file
 * is cut into several windows and each window is one model input.
 */
public interface Dataset extends LabelledSamples {
    /** The sample's file name, as in y_labels.csv. */
    String id(int sample);

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
