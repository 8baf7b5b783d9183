package io.bitsweep.search.config;

/** A range of samples of the data set, in y_labels.csv order; count -1 means to the end. */
public record SplitRange(int offset, int count) {
    /** The end (exclusive) for a data set of {@code size} samples. */
    public int end(int size) {
        return count < 0 ? size : Math.min(size, offset + count);
    }
}
