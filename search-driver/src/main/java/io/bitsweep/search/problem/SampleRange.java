package io.bitsweep.search.problem;

import java.io.Serializable;

/**
 * Positions {@code [from, to)} of the evaluation order ({@link io.bitsweep.search.splits.SampleSplits}): what one
 * evaluation of a population scores. The whole split, a racing stage, or the profile's subsample.
 */
public record SampleRange(int from, int to) implements Serializable {
    public SampleRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad sample range [" + from + ", " + to + ")");
        }
    }

    public static SampleRange all(int evaluationSize) {
        return new SampleRange(0, evaluationSize);
    }

    public int size() {
        return to - from;
    }
}
