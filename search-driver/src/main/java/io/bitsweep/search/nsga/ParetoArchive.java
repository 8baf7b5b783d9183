package io.bitsweep.search.nsga;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The global Pareto archive: the non-dominated feasible candidates over all generations, at most {@code maxSize},
 * scored on every evaluation sample (a candidate racing stopped early never enters it),
 * shrunk by crowding distance or hypervolume contribution. Immutable; {@link #update} returns the next archive.
 * Points are kept sorted by id, so equal searches give equal archives, row for row.
 */
public final class ParetoArchive {
    private final List<Scored> points;

    public ParetoArchive(List<Scored> points) {
        List<Scored> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparing(Scored::id));
        this.points = List.copyOf(sorted);
    }

    public static ParetoArchive empty() {
        return new ParetoArchive(List.of());
    }

    public List<Scored> points() {
        return points;
    }

    public int size() {
        return points.size();
    }

    public ParetoArchive update(List<Scored> newcomers, Fronts fronts, int maxSize, boolean truncateByHypervolume) {
        List<Scored> all = new ArrayList<>(points);
        Set<Object> genomes = new HashSet<>();
        points.forEach(p -> genomes.add(p.candidate().genome()));
        for (Scored s : newcomers) {
            if (s.fitness().complete() && genomes.add(s.candidate().genome())) {
                all.add(s);
            }
        }
        all.sort(Comparator.comparing(Scored::id));
        List<Scored> front = new ArrayList<>(fronts.nonDominatedFeasible(all));
        while (front.size() > maxSize) {
            front.remove(fronts.leastValuable(front, truncateByHypervolume));
        }
        return new ParetoArchive(front);
    }
}
