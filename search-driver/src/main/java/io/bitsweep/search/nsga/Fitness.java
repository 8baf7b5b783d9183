package io.bitsweep.search.nsga;

import java.util.List;

/**
 * What one candidate scored: the quality metric (accuracy or AUC) on the evaluation samples it saw, its costs on the
 * target, and the activation statistics its inference gathered (the cost model's input on data-dependent targets;
 * empty when none were kept). {@code violation} is 0 for a feasible candidate, else how far it misses the
 * constraints (summed relative excess), which orders infeasible candidates.
 *
 * <p>With racing, a candidate may stop before the whole split: {@code racingStage} is where it stopped (0: before
 * any sample, for breaking a cost constraint; k: after stage k; the last stage: it saw every sample; -1: no racing),
 * and {@code complete} is false for a candidate that did not see every sample. Its quality is then the estimate on
 * the {@code samples} it saw (a prefix of the evaluation order; 0 when it saw none), good for breeding but never for
 * the archive.
 */
public record Fitness(long samples, long correct, double quality, double lossMean, double weightBits,
                      long memoryBytes, double cycles, double energyPj, double violation, List<Long> activationStats,
                      CorrectPositions correctAt, int racingStage, boolean complete) {
    /** {@link #racingStage} of a candidate scored without racing. */
    public static final int NOT_RACED = -1;

    public Fitness {
        activationStats = List.copyOf(activationStats);
    }

    public boolean feasible() {
        return violation == 0;
    }

    /** The statistics as the cost model takes them. */
    public long[] activationStatsArray() {
        return activationStats.stream().mapToLong(Long::longValue).toArray();
    }
}
