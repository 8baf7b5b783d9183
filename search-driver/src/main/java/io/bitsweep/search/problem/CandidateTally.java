package io.bitsweep.search.problem;

import java.util.Arrays;

/**
 * What one candidate scored on some shards: sample counts, correct predictions, the loss in fixed point, optional
 * per-sample scores (for AUC), optionally which evaluation positions it predicted correctly (a bit set: what racing
 * compares candidates on, sample by sample), and activation statistics whose layout the {@link CostModel} defines.
 * Everything is integer, a bit set, or kept per sample and sorted by sample id, so merging in any order gives the
 * same bytes: the result cannot depend on how samples were split into shards or in which order executors report.
 */
public final class CandidateTally {
    /** Loss values are summed in units of 1e-9 so that the sum is exact and order-independent. */
    public static final double LOSS_UNIT = 1e-9;

    private final int candidate;
    private final long samples;
    private final long correct;
    private final long lossUnits;
    private final int[] sampleIds;
    private final float[] scores;
    private final byte[] labels;
    private final long[] activationStats;
    private final long[] correctAt;

    /**
     * @param sampleIds  sample ids of the scored samples, ascending (empty if the metric needs no per-sample scores)
     * @param scores     per-sample score (e.g. the anomaly score), aligned with sampleIds
     * @param labels     per-sample ground truth, aligned with sampleIds
     */
    public CandidateTally(int candidate, long samples, long correct, long lossUnits, int[] sampleIds, float[] scores,
                          byte[] labels, long[] activationStats) {
        this(candidate, samples, correct, lossUnits, sampleIds, scores, labels, activationStats, new long[0]);
    }

    /** @param correctAt bit p set: the sample at evaluation position p was predicted correctly (empty: not kept) */
    private CandidateTally(int candidate, long samples, long correct, long lossUnits, int[] sampleIds,
                           float[] scores, byte[] labels, long[] activationStats, long[] correctAt) {
        if (sampleIds.length != scores.length || sampleIds.length != labels.length) {
            throw new IllegalArgumentException("per-sample arrays differ in length");
        }
        this.candidate = candidate;
        this.samples = samples;
        this.correct = correct;
        this.lossUnits = lossUnits;
        this.sampleIds = sampleIds;
        this.scores = scores;
        this.labels = labels;
        this.activationStats = activationStats;
        this.correctAt = correctAt;
    }

    public int candidate() {
        return candidate;
    }

    public long samples() {
        return samples;
    }

    public long correct() {
        return correct;
    }

    public double lossSum() {
        return lossUnits * LOSS_UNIT;
    }

    public int[] sampleIds() {
        return sampleIds.clone();
    }

    public float[] scores() {
        return scores.clone();
    }

    public byte[] labels() {
        return labels.clone();
    }

    public long[] activationStats() {
        return activationStats.clone();
    }

    /** Bit p set: the sample at evaluation position p was predicted correctly; empty if the scorer kept none. */
    public long[] correctAt() {
        return correctAt.clone();
    }

    /** This tally under another candidate index (e.g. its index in the whole generation, not in one racing stage). */
    public CandidateTally withCandidate(int index) {
        return new CandidateTally(index, samples, correct, lossUnits, sampleIds, scores, labels, activationStats,
                correctAt);
    }

    /** This tally with the activation statistics gathered while it was scored. */
    public CandidateTally withActivationStats(long[] stats) {
        return new CandidateTally(candidate, samples, correct, lossUnits, sampleIds, scores, labels, stats.clone(),
                correctAt);
    }

    /** This tally with which evaluation positions it predicted correctly (a bit set, see {@link #correctAt()}). */
    public CandidateTally withCorrectAt(long[] bits) {
        return new CandidateTally(candidate, samples, correct, lossUnits, sampleIds, scores, labels, activationStats,
                bits.clone());
    }

    /** The tally of both: sums, and per-sample rows merged by sample id. Commutative and associative. */
    public static CandidateTally merge(CandidateTally a, CandidateTally b) {
        if (a.candidate != b.candidate) {
            throw new IllegalArgumentException("merging tallies of candidates " + a.candidate + " and " + b.candidate);
        }
        if (a.activationStats.length != b.activationStats.length) {
            throw new IllegalArgumentException("activation statistics differ in length");
        }
        long[] stats = new long[a.activationStats.length];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = a.activationStats[i] + b.activationStats[i];
        }
        int n = a.sampleIds.length + b.sampleIds.length;
        int[] ids = new int[n];
        float[] sc = new float[n];
        byte[] lb = new byte[n];
        for (int i = 0, j = 0, k = 0; k < n; k++) {
            boolean takeA = j >= b.sampleIds.length || (i < a.sampleIds.length && a.sampleIds[i] <= b.sampleIds[j]);
            if (takeA) {
                ids[k] = a.sampleIds[i];
                sc[k] = a.scores[i];
                lb[k] = a.labels[i++];
            } else {
                ids[k] = b.sampleIds[j];
                sc[k] = b.scores[j];
                lb[k] = b.labels[j++];
            }
        }
        long[] correctAt = Arrays.copyOf(a.correctAt, Math.max(a.correctAt.length, b.correctAt.length));
        for (int i = 0; i < b.correctAt.length; i++) {
            correctAt[i] |= b.correctAt[i];
        }
        return new CandidateTally(a.candidate, a.samples + b.samples, a.correct + b.correct,
                a.lossUnits + b.lossUnits, ids, sc, lb, stats, correctAt);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CandidateTally t && candidate == t.candidate && samples == t.samples
                && correct == t.correct && lossUnits == t.lossUnits && Arrays.equals(sampleIds, t.sampleIds)
                && Arrays.equals(scores, t.scores) && Arrays.equals(labels, t.labels)
                && Arrays.equals(activationStats, t.activationStats) && Arrays.equals(correctAt, t.correctAt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new long[] {candidate, samples, correct, lossUnits, Arrays.hashCode(activationStats)});
    }
}
