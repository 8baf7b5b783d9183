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
        return qualityViolation(quality) + costViolation(memoryBytes);
    }

    /** How far a quality misses the allowed drop; 0 if it does not. */
    public double qualityViolation(double quality) {
        return maxQualityDrop >= 0 ? Math.max(0, floatQuality - quality - maxQualityDrop) : 0;
    }

    /** The least quality a feasible candidate may have; negative infinity without a quality constraint. */
    public double minQuality() {
        return maxQualityDrop >= 0 ? floatQuality - maxQualityDrop : Double.NEGATIVE_INFINITY;
    }

    /** How far a candidate's costs (known before any inference) miss their constraints; 0 if they do not. */
    public double costViolation(long memoryBytes) {
        return memoryBudgetBytes > 0 && memoryBytes > memoryBudgetBytes
                ? (double) (memoryBytes - memoryBudgetBytes) / memoryBudgetBytes : 0;
    }
}
