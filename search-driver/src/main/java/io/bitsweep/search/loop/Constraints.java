package io.bitsweep.search.loop;

/**
 * The search's constraints and how far a candidate misses them: the quality drop against the float model, and the
 * weight memory budget. The violation is 0 for a feasible candidate, else the summed relative excess, which orders
 * infeasible candidates in NSGA-II's constrained sorting.
 *
 * @param maxQualityDrop   the largest allowed drop of the quality metric (a fraction), or negative for none
 * @param memoryBudgetBytes the weight memory budget, or 0 for none
 */
public record Constraints(double floatQuality, double maxQualityDrop, long memoryBudgetBytes) {
    public double violation(double quality, long memoryBytes) {
        double violation = 0;
        if (maxQualityDrop >= 0) {
            violation += Math.max(0, floatQuality - quality - maxQualityDrop);
        }
        if (memoryBudgetBytes > 0 && memoryBytes > memoryBudgetBytes) {
            violation += (double) (memoryBytes - memoryBudgetBytes) / memoryBudgetBytes;
        }
        return violation;
    }
}
