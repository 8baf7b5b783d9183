package io.bitsweep.search.nsga;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.uma.jmetal.qualityindicator.impl.hypervolume.impl.PISAHypervolume;
import org.uma.jmetal.util.comparator.dominanceComparator.impl.DominanceWithConstraintsComparator;
import org.uma.jmetal.util.densityestimator.impl.CrowdingDistanceDensityEstimator;
import org.uma.jmetal.util.densityestimator.impl.HypervolumeContributionDensityEstimator;
import org.uma.jmetal.util.ranking.impl.FastNonDominatedSortRanking;

/**
 * NSGA-II's ordering of scored candidates, done by jMetal: constrained non-dominated sorting (feasible first, then
 * by violation, then by dominance), crowding distance, hypervolume. Objectives are normalised by fixed per-objective
 * scales so that the hypervolume reference point means the same in every generation. Inputs are processed in the
 * order given and ties are broken by candidate id, so the result never depends on arrival order.
 */
public final class Fronts {
    private final double[] scales;
    private final double[] reference;

    /** @param scales  per objective, the value that normalises to 1.0; @param reference  the HV reference (normalised) */
    public Fronts(double[] scales, double reference) {
        this.scales = scales.clone();
        this.reference = new double[scales.length];
        Arrays.fill(this.reference, reference);
    }

    /** Rank (0 = non-dominated) and crowding distance within its rank, of each candidate. */
    public record Order(int rank, double crowding) {}

    public Map<Scored, Order> order(List<Scored> population) {
        List<Point> points = points(population);
        // The constrained comparator explicitly: feasible before infeasible, infeasible by overall violation.
        FastNonDominatedSortRanking<Point> ranking =
                new FastNonDominatedSortRanking<>(new DominanceWithConstraintsComparator<>());
        ranking.compute(points);
        Map<Scored, Order> out = new IdentityHashMap<>();
        for (int r = 0; r < ranking.getNumberOfSubFronts(); r++) {
            List<Point> front = new ArrayList<>(ranking.getSubFront(r));
            CrowdingDistanceDensityEstimator<Point> crowding = new CrowdingDistanceDensityEstimator<>();
            crowding.compute(front);
            for (Point p : front) {
                out.put(p.scored, new Order(r, crowding.value(p)));
            }
        }
        return out;
    }

    /** NSGA-II environmental selection: the best {@code n} by rank, then by crowding distance (larger first). */
    public List<Scored> select(List<Scored> population, int n) {
        Map<Scored, Order> order = order(population);
        List<Scored> sorted = new ArrayList<>(population);
        sorted.sort(byOrder(order));
        return List.copyOf(sorted.subList(0, Math.min(n, sorted.size())));
    }

    /** Better first: lower rank, larger crowding distance, then smaller id. */
    public static Comparator<Scored> byOrder(Map<Scored, Order> order) {
        return Comparator.<Scored>comparingInt(s -> order.get(s).rank())
                .thenComparing(s -> -order.get(s).crowding())
                .thenComparing(Scored::id);
    }

    /** The non-dominated feasible candidates of {@code candidates}. */
    public List<Scored> nonDominatedFeasible(List<Scored> candidates) {
        List<Scored> feasible = candidates.stream().filter(s -> s.fitness().feasible()).toList();
        if (feasible.isEmpty()) {
            return List.of();
        }
        Map<Scored, Order> order = order(feasible);
        return feasible.stream().filter(s -> order.get(s).rank() == 0).toList();
    }

    /**
     * Removes the least valuable point from a non-dominated set: the most crowded, or the one adding the least
     * hypervolume. Ties go to the larger id (older points are kept).
     */
    public Scored leastValuable(List<Scored> front, boolean byHypervolume) {
        List<Point> points = points(front);
        Map<Point, Double> value = new IdentityHashMap<>();
        if (byHypervolume) {
            HypervolumeContributionDensityEstimator<Point> hv = new HypervolumeContributionDensityEstimator<>(reference);
            hv.compute(points);
            points.forEach(p -> value.put(p, hv.value(p)));
        } else {
            CrowdingDistanceDensityEstimator<Point> cd = new CrowdingDistanceDensityEstimator<>();
            cd.compute(points);
            points.forEach(p -> value.put(p, cd.value(p)));
        }
        return points.stream()
                .min(Comparator.<Point>comparingDouble(value::get)
                        .thenComparing(p -> p.scored.id(), Comparator.reverseOrder()))
                .orElseThrow().scored;
    }

    /** Per objective, the value that normalises to 1.0 (what the hypervolume is measured in). */
    public double[] scales() {
        return scales.clone();
    }

    /** The hypervolume reference point, in normalised objectives. */
    public double[] reference() {
        return reference.clone();
    }

    /** Hypervolume of the (normalised) points that dominate the reference point; 0 when none does. */
    public double hypervolume(List<Scored> front) {
        List<double[]> inside = new ArrayList<>();
        for (Scored s : front) {
            double[] v = normalise(s.objectives());
            boolean in = true;
            for (int i = 0; i < v.length; i++) {
                in &= v[i] < reference[i];
            }
            if (in) {
                inside.add(v);
            }
        }
        if (inside.isEmpty()) {
            return 0;
        }
        // jMetal's PISA hypervolume measures against the unit reference point (1, ..., 1), so the points are
        // scaled into the unit box and the volume scaled back.
        double boxVolume = 1;
        for (double[] v : inside) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= reference[i];
            }
        }
        for (double r : reference) {
            boxVolume *= r;
        }
        return boxVolume * new PISAHypervolume(reference).compute(inside.toArray(double[][]::new));
    }

    double[] normalise(double[] objectives) {
        double[] v = new double[objectives.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = objectives[i] / scales[i];
        }
        return v;
    }

    private List<Point> points(List<Scored> population) {
        List<Point> points = new ArrayList<>(population.size());
        for (Scored s : population) {
            points.add(new Point(s, normalise(s.objectives())));
        }
        return points;
    }
}
