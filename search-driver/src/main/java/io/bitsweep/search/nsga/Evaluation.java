package io.bitsweep.search.nsga;

/**
 * What one candidate scored: the quality metric (accuracy or AUC) on the evaluation split and its costs on the
 * target. {@code violation} is 0 for a feasible candidate, else how far it misses the constraints (summed relative
 * excess), which orders infeasible candidates.
 */
public record Evaluation(long samples, long correct, double quality, double lossMean, double weightBits,
                         long memoryBytes, double cycles, double energyPj, double violation) {
    public boolean feasible() {
        return violation == 0;
    }
}
