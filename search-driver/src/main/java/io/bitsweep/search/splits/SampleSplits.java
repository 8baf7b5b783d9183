package io.bitsweep.search.splits;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The samples a search calibrates on and the samples it scores, as sample indices of the data set (y_labels.csv
 * order). The evaluation samples come in their <em>evaluation order</em>: position p holds a sample id, and every
 * prefix of the order has (up to rounding) the class mix of the whole split, so the first positions are a fair
 * subsample (racing stages and the profile's subsample are prefixes). The shards are runs of the ids in storage
 * order ({@link #shardPositions}).
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
     * The positions of the evaluation order that shard {@code shard} of {@code shardCount} holds, ascending: the
     * samples of the shard-th of shardCount runs (sizes differing by at most one) of the evaluation ids in ascending
     * order. Ids ascend in storage order (y_labels.csv order, shard files in manifest order), so a shard is read from
     * the few files its run covers, each once, rather than from every file of the set; the positions stay spread over
     * the shards because the evaluation order is a seeded draw, so every racing stage (a prefix of positions) has
     * samples on every shard. No result depends on which shard holds a sample: tallies are merged per candidate.
     */
    public static int[] shardPositions(int shard, int shardCount, int[] evaluationOrder) {
        int n = evaluationOrder.length;
        int from = (int) ((long) n * shard / shardCount);
        int to = (int) ((long) n * (shard + 1) / shardCount);
        if (from >= to) {
            return new int[0];
        }
        int[] sorted = evaluationOrder.clone();
        Arrays.sort(sorted);
        int lo = sorted[from];
        int hi = sorted[to - 1];
        return IntStream.range(0, n)
                .filter(p -> evaluationOrder[p] >= lo && evaluationOrder[p] <= hi).toArray();
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
