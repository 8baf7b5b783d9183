package io.bitsweep.search.loop;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One generation at a glance: how many candidates were evaluated, the archive (front) size, its hypervolume, and
 * the best quality among archive points within each memory budget.
 */
public record GenerationSummary(int generation, int generations, int evaluated, int reused, int frontSize,
                                double hypervolume, String qualityMetric, List<BudgetBest> bestByBudget,
                                double seconds) {
    /** The best quality at or under a memory budget; NaN if no archive point fits. */
    public record BudgetBest(long budgetBytes, double quality) {}

    /** The one line the CLI prints per generation. */
    public String line() {
        String best = bestByBudget.stream()
                .map(b -> "\u2264" + kib(b.budgetBytes()) + " " + (Double.isNaN(b.quality()) ? "-"
                        : String.format(Locale.ROOT, "%.2f%%", 100 * b.quality())))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "gen %d/%d: %d evaluated%s, front %d, hypervolume %.4f, best %s: %s (%.1f s)",
                generation, generations - 1, evaluated, reused > 0 ? " (+" + reused + " reused)" : "", frontSize,
                hypervolume, qualityMetric, best, seconds);
    }

    static String kib(long bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
