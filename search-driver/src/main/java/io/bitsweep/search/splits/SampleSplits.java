package io.bitsweep.search.splits;

import java.util.Arrays;

/**
 * The samples a search calibrates on and the samples it scores, as sample indices of the data set (y_labels.csv
 * order). The evaluation samples come in their <em>evaluation order</em>: position p holds a sample id, and every
 * prefix of the order has (up to rounding) the class mix of the whole split, so the first positions are a fair
 * subsample (racing stages and the profile's subsample are prefixes), and the shards, which take every
 * shardCount-th position, each have the split's class mix too.
 */
public final class SampleSplits {
    private final String selection;
    private final long seed;
    private final int dataSize;
    private final int[] calibration;
    private final int[] evaluationOrder;

    /**
     * @param calibration     calibration sample ids, ascending
     * @param evaluationOrder evaluation sample ids by position
     */
    public SampleSplits(String selection, long seed, int dataSize, int[] calibration, int[] evaluationOrder) {
        this.selection = selection;
        this.seed = seed;
        this.dataSize = dataSize;
        this.calibration = calibration.clone();
        this.evaluationOrder = evaluationOrder.clone();
    }

    /** How the samples were chosen: "stratified" or "range". */
    public String selection() {
        return selection;
    }

    public long seed() {
        return seed;
    }

    /** The number of samples in the data set the ids index. */
    public int dataSize() {
        return dataSize;
    }

    public int[] calibration() {
        return calibration.clone();
    }

    public int calibrationSize() {
        return calibration.length;
    }

    public int[] evaluationOrder() {
        return evaluationOrder.clone();
    }

    public int evaluationSize() {
        return evaluationOrder.length;
    }

    /** The evaluation sample ids, ascending. */
    public int[] evaluationSorted() {
        int[] ids = evaluationOrder.clone();
        Arrays.sort(ids);
        return ids;
    }

    /**
     * The positions of the evaluation order that shard {@code shard} of {@code shardCount} holds: every
     * shardCount-th, from {@code shard} on.
     */
    public static int[] shardPositions(int shard, int shardCount, int evaluationSize) {
        int n = evaluationSize <= shard ? 0 : (evaluationSize - shard + shardCount - 1) / shardCount;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = shard + i * shardCount;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleSplits s && selection.equals(s.selection) && seed == s.seed
                && dataSize == s.dataSize && Arrays.equals(calibration, s.calibration)
                && Arrays.equals(evaluationOrder, s.evaluationOrder);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(calibration) + Arrays.hashCode(evaluationOrder);
    }
}
