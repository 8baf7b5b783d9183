package io.bitsweep.search.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Runs compared at equal accuracy, as the channel-wise mixed-precision papers report them ("63% less memory at
 * iso-accuracy"): for each accuracy level, the least weight memory, cycles and energy among each run's front points
 * at least that accurate (each minimised on its own, so the three may come from different points), and the saving
 * of each against the first run. notebooks/bitsweep_runs.py's iso_accuracy computes the same table.
 */
final class IsoAccuracy {
    /** The cost columns compared, as front.csv names them. */
    enum Cost {
        WEIGHT_BITS("weight_bits", RunFront.Point::weightBits),
        CYCLES("cycles", RunFront.Point::cycles),
        ENERGY("energy_pj", RunFront.Point::energyPj);

        final String column;
        final ToDoubleFunction<RunFront.Point> value;

        Cost(String column, ToDoubleFunction<RunFront.Point> value) {
            this.column = column;
            this.value = value;
        }
    }

    /** The cheapest point for one cost: its value and id. */
    record Best(double value, String pointId) {}

    /** One run at one level: the best per cost (empty if no front point reaches the level), savings in percent. */
    record Cell(String run, List<Optional<Best>> best, List<Optional<Double>> savingPct) {}

    record Level(double level, List<Cell> cells) {}

    /** Per other run against the first: over the levels both reach, the largest saving per cost. */
    record Headline(String run, String against, int levels, List<Optional<Double>> maxSavingPct) {}

    private IsoAccuracy() {}

    /** Every quality value a front point of any run has, highest first: the levels where a minimum can change. */
    static List<Double> defaultLevels(List<RunFront> runs) {
        TreeSet<Double> levels = new TreeSet<>(Comparator.reverseOrder());
        runs.forEach(r -> r.front().forEach(p -> levels.add(p.quality())));
        return List.copyOf(levels);
    }

    static List<Level> table(List<RunFront> runs, List<Double> levels) {
        List<Level> out = new ArrayList<>();
        for (double level : levels) {
            List<Cell> cells = new ArrayList<>();
            List<Optional<Best>> first = null;
            for (RunFront r : runs) {
                List<Optional<Best>> best = new ArrayList<>();
                for (Cost c : Cost.values()) {
                    best.add(cheapest(r.front(), level, c));
                }
                if (first == null) {
                    first = best;
                }
                List<Optional<Double>> saving = new ArrayList<>();
                for (int i = 0; i < best.size(); i++) {
                    Optional<Best> f = first.get(i);
                    Optional<Best> b = best.get(i);
                    saving.add(f.isPresent() && b.isPresent() && f.get().value() > 0
                            ? Optional.of(100 * (1 - b.get().value() / f.get().value())) : Optional.empty());
                }
                cells.add(new Cell(r.name(), best, saving));
            }
            out.add(new Level(level, cells));
        }
        return out;
    }

    /** The least cost among points with quality >= level; ties go to the smallest id. */
    static Optional<Best> cheapest(List<RunFront.Point> front, double level, Cost cost) {
        return front.stream().filter(p -> p.quality() >= level)
                .min(Comparator.comparingDouble(cost.value).thenComparing(RunFront.Point::id))
                .map(p -> new Best(cost.value.applyAsDouble(p), p.id()));
    }

    static List<Headline> headlines(List<RunFront> runs, List<Level> table) {
        List<Headline> out = new ArrayList<>();
        for (int r = 1; r < runs.size(); r++) {
            int levels = 0;
            List<Optional<Double>> max = new ArrayList<>();
            for (int c = 0; c < Cost.values().length; c++) {
                max.add(Optional.empty());
            }
            for (Level l : table) {
                Cell cell = l.cells().get(r);
                if (cell.savingPct().stream().anyMatch(Optional::isPresent)) {
                    levels++;
                }
                for (int c = 0; c < max.size(); c++) {
                    Optional<Double> s = cell.savingPct().get(c);
                    Optional<Double> m = max.get(c);
                    if (s.isPresent() && (m.isEmpty() || s.get() > m.get())) {
                        max.set(c, s);
                    }
                }
            }
            out.add(new Headline(runs.get(r).name(), runs.get(0).name(), levels, max));
        }
        return out;
    }
}
