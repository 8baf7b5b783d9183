package io.bitsweep.search.config;

import java.util.List;

/**
 * Pareto racing ({@code bitsweep.search.racing}): candidates are scored on growing prefixes of the evaluation order
 * (the stages), and one whose accuracy, at the confidence given, cannot beat the archive at its own costs stops early.
 *
 * @param stages     the end of each stage as a fraction of the evaluation split, increasing, the last 1.0
 * @param confidence the one-sided confidence of each drop decision
 */
public record RacingSettings(Mode mode, List<Double> stages, double confidence) {
    /** auto: on when the metric is accuracy and the target's costs are known before inference; else off. */
    public enum Mode { AUTO, ON, OFF }

    public RacingSettings {
        stages = List.copyOf(stages);
    }
}
