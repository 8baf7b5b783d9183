package io.bitsweep.search.config;

import java.util.List;

/**
 * Solver-seeded generation 0 ({@code bitsweep.search.solver}): the least predicted loss under each pair of budgets,
 * solved with OR-Tools CP-SAT.
 *
 * @param memoryBudgets     weight memory budgets, as fractions of the baseline (every layer at its first format)
 * @param costBudgets       budgets of the search's cycles or energy objective, as fractions of the baseline's
 * @param extendStep        below the lowest memory budget, further budgets each this factor lower, while the profile
 *                          predicts the lowest one's seed keeps the accuracy constraint; 0 for none
 * @param deterministicTime CP-SAT's limit per solve, in its deterministic time units (about seconds, but independent
 *                          of the machine and its load, so the seeds are the same everywhere)
 */
public record SolverSettings(boolean enabled, List<Double> memoryBudgets, List<Double> costBudgets,
                             double extendStep, double deterministicTime) {
    public SolverSettings {
        memoryBudgets = List.copyOf(memoryBudgets);
        costBudgets = List.copyOf(costBudgets);
    }
}
