package io.bitsweep.search.solver;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the profile predicts of a solver seed before it is scored: its quality drop from the baseline (the additive
 * model in the search's metric, {@link LossTerms#qualityDrops}) and its exact costs. A seed is predicted dominated
 * when another costs no more and is predicted to lose no more, where every drop under one profile sample counts as
 * none (the profile measured nothing there). Such a seed would take a slot of generation 0, and a whole split of
 * samples (racing cannot stop a near-equal), for a point the search most likely has: VWW's seeds at 45-80% of int8's
 * memory are all predicted to lose under one sample of 900, as the one at 40% is; those racing scored on all 900 were
 * within four images of each other.
 */
final class SeedPrediction {
    private final SearchSpace space;
    private final LossTerms drops;
    private final CostModel costModel;
    private final Objective costObjective;
    /** One profile sample, in quality: a predicted drop below it is none. */
    private final double resolution;

    SeedPrediction(SearchSpace space, LossTerms drops, CostModel costModel, Objective costObjective,
                   long profileSamples) {
        this.space = space;
        this.drops = drops;
        this.costModel = costModel;
        this.costObjective = costObjective;
        this.resolution = 1.0 / Math.max(1, profileSamples);
    }

    /** The quality the profile predicts the genome loses against the baseline (a fraction; 0 for none). */
    double drop(Genome genome) {
        return drops.of(space, genome);
    }

    /** The seeds no other of them is predicted to dominate, in their given order. */
    List<Genome> undominated(Collection<Genome> seeds) {
        List<Genome> list = List.copyOf(seeds);
        List<double[]> points = list.stream().map(this::point).toList();
        List<Genome> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < list.size() && !dominated; j++) {
                dominated = j != i && dominates(points.get(j), points.get(i), resolution);
            }
            if (!dominated) {
                out.add(list.get(i));
            }
        }
        return out;
    }

    /** Predicted drop, weight bits and the cost objective (0 without one): all to be minimised. */
    private double[] point(Genome genome) {
        CostModel.Costs c = costModel.costs(genome, new long[0]);
        double cost = costObjective == null ? 0 : costObjective == Objective.ENERGY ? c.energyPj() : c.cycles();
        return new double[] {drop(genome), c.weightBits(), cost};
    }

    /** a costs no more than b and loses no more (drops under the resolution being none), and is better in one. */
    private static boolean dominates(double[] a, double[] b, double resolution) {
        boolean costsNoMore = a[1] <= b[1] && a[2] <= b[2];
        boolean cheaper = a[1] < b[1] || a[2] < b[2];
        boolean bothNone = a[0] < resolution && b[0] < resolution;
        boolean losesNoMore = bothNone || a[0] <= b[0];
        boolean losesLess = !bothNone && a[0] < b[0];
        return costsNoMore && losesNoMore && (cheaper || losesLess);
    }
}
