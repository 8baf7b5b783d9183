package io.bitsweep.search.loop;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One generation at a glance: how many candidates were evaluated, the archive (front) size, its hypervolume, the
 * best quality among archive points within each memory budget, the sample evaluations racing saved, how many solver
 * seeds the archive holds, and the time the sensitivity profile took before generation 0.
 *
 * @param bred                   children bred for pre-screening, of which the model chose {@code evaluated + reused}
 *                               (0: not screened this generation)
 * @param sampleEvaluations      candidate x sample inferences this generation ran
 * @param sampleEvaluationsSaved those racing skipped (0 without racing)
 * @param solverSeedsInFront     archive points that came from the solver's seeds
 */
public record GenerationSummary(int generation, int generations, int evaluated, int reused, int bred, int frontSize,
                                double hypervolume, List<BudgetBest> bestByBudget, long sampleEvaluations,
                                long sampleEvaluationsSaved, int solverSeedsInFront, double seconds, Context context) {
    /** The best quality at or under a memory budget; NaN if no archive point fits. */
    public record BudgetBest(long budgetBytes, double quality) {}

    /**
     * What every line of a search shows besides the generation's own figures.
     *
     * @param reportBudgets  the memory budgets (bytes) whose best quality each line shows
     * @param racing         whether candidates are raced (else the line says "racing off")
     * @param profileSeconds the wall time of the sensitivity profile (0 when it was read back or not run)
     */
    public record Context(String qualityMetric, long[] reportBudgets, boolean racing, double profileSeconds) {
        public Context {
            reportBudgets = reportBudgets.clone();
        }
    }

    public GenerationSummary {
        bestByBudget = List.copyOf(bestByBudget);
    }

    public String qualityMetric() {
        return context.qualityMetric();
    }

    /** The one line the CLI prints per generation. */
    public String line() {
        String best = bestByBudget.stream()
                .map(b -> "\u2264" + kib(b.budgetBytes()) + " " + (Double.isNaN(b.quality()) ? "-"
                        : String.format(Locale.ROOT, "%.2f%%", 100 * b.quality())))
                .collect(Collectors.joining(", "));
        long planned = sampleEvaluations + sampleEvaluationsSaved;
        String racing = !context.racing() ? "racing off" : String.format(Locale.ROOT,
                "racing saved %d of %d sample evaluations (%.0f%%)", sampleEvaluationsSaved, planned,
                planned == 0 ? 0.0 : 100.0 * sampleEvaluationsSaved / planned);
        return String.format(Locale.ROOT, "gen %d/%d: %d evaluated%s%s, front %d, hypervolume %.4f, best %s: %s; %s, "
                        + "solver seeds in front %d, profiling %.1f s (%.1f s)",
                generation, generations - 1, evaluated, reused > 0 ? " (+" + reused + " reused)" : "",
                bred > 0 ? " of " + bred + " bred" : "", frontSize,
                hypervolume, context.qualityMetric(), best, racing, solverSeedsInFront, context.profileSeconds(), seconds);
    }

    static String kib(long bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
