package io.bitsweep.search.nsga;

import java.util.List;

/**
 * What one candidate scored: the quality metric (accuracy or AUC) on the evaluation split, its costs on the target,
 * and the activation statistics its inference gathered (the cost model's input on data-dependent targets; empty when
 * none were kept). {@code violation} is 0 for a feasible candidate, else how far it misses the constraints (summed
 * relative excess), which orders infeasible candidates.
 */
public record Fitness(long samples, long correct, double quality, double lossMean, double weightBits,
                      long memoryBytes, double cycles, double energyPj, double violation, List<Long> activationStats) {
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
