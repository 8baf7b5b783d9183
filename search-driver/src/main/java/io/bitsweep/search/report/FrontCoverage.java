package io.bitsweep.search.report;

import io.bitsweep.search.config.Objective;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * How many of a reference run's front points another run matches: a point is matched when the other front has a
 * point at least as good in every objective of the reference run (at least as accurate, no more weight bits, cycles or
 * energy). Every point matched is the channel-wise claim's criterion ("dominates or matches the layer-wise front at
 * every layer-wise point", docs/RESULTS.md). On the final fronts; {@code bitsweep_runs.coverage} in the notebooks
 * also compares runs at equal sample evaluations.
 *
 * @param covered the reference points matched; empty when the runs have different objectives (their fronts answer
 *                different questions)
 */
record FrontCoverage(String run, String against, List<Objective> objectives, Optional<Integer> covered,
                     int points) {

    static FrontCoverage of(RunFront reference, RunFront other) {
        List<Objective> objectives = reference.objectives();
        if (!objectives.equals(other.objectives())) {
            return new FrontCoverage(other.name(), reference.name(), objectives, Optional.empty(),
                    reference.front().size());
        }
        List<ToDoubleFunction<RunFront.Point>> minimised = objectives.stream().map(FrontCoverage::minimised).toList();
        int covered = 0;
        for (RunFront.Point r : reference.front()) {
            boolean matched = other.front().stream().anyMatch(o -> minimised.stream()
                    .allMatch(f -> f.applyAsDouble(o) <= f.applyAsDouble(r)));
            covered += matched ? 1 : 0;
        }
        return new FrontCoverage(other.name(), reference.name(), objectives, Optional.of(covered),
                reference.front().size());
    }

    /** An objective as front.csv gives it, turned so that less is better; costs read as the iso-accuracy table does. */
    private static ToDoubleFunction<RunFront.Point> minimised(Objective objective) {
        return switch (objective) {
            case ACCURACY, AUC -> p -> -p.quality();
            case WEIGHT_BITS -> IsoAccuracy.Cost.WEIGHT_BITS.value;
            case CYCLES -> IsoAccuracy.Cost.CYCLES.value;
            case ENERGY -> IsoAccuracy.Cost.ENERGY.value;
        };
    }
}
