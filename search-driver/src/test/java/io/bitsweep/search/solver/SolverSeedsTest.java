package io.bitsweep.search.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.search.SyntheticProblem;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.LocalPopulationEvaluator;
import io.bitsweep.search.operators.InitialPopulation;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.profile.SensitivityProfiler;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The solver on the synthetic problem, with a profile measured by the real profiler on the local evaluator: every
 * seed keeps its memory budget exactly (memory is additive), seeds are distinct, and the same inputs give the same
 * seeds.
 */
class SolverSeedsTest {
    static final Pattern ORIGIN = Pattern.compile("solver:memory=([0-9.]+),cycles=([0-9.]+)");

    @Test
    void seedsKeepTheirMemoryBudgetAreDistinctAndDeterministic() {
        try (Profiled p = Profiled.synthetic()) {
            SearchProblem problem = p.problem();
            SensitivityProfile profile = p.profile();
            SearchSettings s = p.settings();
            CostModel costs = problem.costModel(problem.space());
            List<InitialPopulation.Seeded> seeds = SolverSeeds.solve(problem.space(), profile, costs, s, Double.NEGATIVE_INFINITY);
            assertTrue(seeds.size() >= 4, seeds.size() + " seeds");
            assertEquals(seeds.size(), new HashSet<>(seeds.stream().map(InitialPopulation.Seeded::genome).toList())
                    .size());
            double baseBits = costs.costs(Genome.of(new byte[problem.space().genomeLength()]), new long[0])
                    .weightBits();
            for (InitialPopulation.Seeded seed : seeds) {
                Matcher m = ORIGIN.matcher(seed.origin());
                assertTrue(m.matches(), seed.origin());
                double bits = costs.costs(seed.genome(), new long[0]).weightBits();
                assertTrue(bits <= Double.parseDouble(m.group(1)) * baseBits + 1e-6,
                        seed.origin() + ": " + bits + " bits of " + baseBits);
            }
            assertEquals(seeds, SolverSeeds.solve(problem.space(), profile, costs, s, Double.NEGATIVE_INFINITY), "deterministic");
        }
    }

    /**
     * A profile that measured no loss for any change (VWW's case: every int4 layer within noise) still gives one
     * solution per binding budget, each making only the changes its budget needs: fewer bits removed at looser
     * budgets. Predicting them all equally accurate, the solver then keeps only those no other seed matches at no
     * more memory and no more cycles.
     */
    @Test
    void aProfileWithoutMeasuredLossGivesOneSolutionPerBudgetAndKeepsTheCheapest() {
        try (Profiled p = Profiled.synthetic("solver.cost-budgets=[1.0]")) {
            SearchProblem problem = p.problem();
            SearchSettings s = p.settings();
            SensitivityProfile flat = flat(p.profile(), problem.space());
            CostModel costs = problem.costModel(problem.space());
            SolverSeeds.Sweep sweep = SolverSeeds.sweep(problem.space(), flat, costs, s, Double.NEGATIVE_INFINITY);
            TreeMap<Double, Double> bitsByBudget = new TreeMap<>();
            sweep.seeds().forEach((m, g) -> bitsByBudget.put(m, costs.costs(g.get(0), new long[0]).weightBits()));
            assertTrue(new HashSet<>(bitsByBudget.values()).size() >= 5, "distinct solutions: " + bitsByBudget);
            double previous = -1;
            for (double bits : bitsByBudget.values()) {
                assertTrue(bits >= previous, "looser budgets keep more bits: " + bitsByBudget);
                previous = bits;
            }
            List<CostModel.Costs> kept = SolverSeeds.solve(problem.space(), flat, costs, s, Double.NEGATIVE_INFINITY)
                    .stream().map(seed -> costs.costs(seed.genome(), new long[0])).toList();
            assertTrue(kept.size() < bitsByBudget.size(), kept.size() + " kept of " + bitsByBudget.size());
            for (CostModel.Costs a : kept) {
                for (CostModel.Costs b : kept) {
                    assertTrue(a == b || a.weightBits() < b.weightBits() || a.cycles() < b.cycles(),
                            "a kept seed costs no less than another in both: " + a + ", " + b);
                }
            }
        }
    }

    /**
     * Below the lowest listed memory budget the sweep takes steps of {@code extend-step} for as long as the lowest
     * budget's seed is predicted to keep the accuracy constraint, and none without a constraint or with step 0.
     */
    @Test
    void theSweepGoesBelowTheListedBudgetsWhileTheProfilePredictsTheConstraintHolds() {
        try (Profiled p = Profiled.synthetic()) {
            SearchSpace space = p.problem().space();
            SensitivityProfile profile = p.profile();
            CostModel costs = p.problem().costModel(space);
            SearchSettings s = p.settings();
            TreeSet<Double> listed = new TreeSet<>(s.solver().memoryBudgets());
            assertEquals(listed, SolverSeeds.sweep(space, profile, costs, s, Double.NEGATIVE_INFINITY).seeds()
                    .keySet(), "no constraint: no steps");
            double base = profile.baseline().quality();
            SolverSeeds.Sweep listedOnly = SolverSeeds.sweep(space, profile, costs, s, base - 1.0);
            double lowestDrop = leastDrop(listedOnly, space, profile, listed.first());
            for (double minQuality : new double[] {base - lowestDrop - 1e-9, base - 1.0}) {
                double allowed = base - minQuality;
                SolverSeeds.Sweep sweep = SolverSeeds.sweep(space, profile, costs, s, minQuality);
                List<Double> below = new ArrayList<>(sweep.seeds().headMap(listed.first(), false).descendingKeySet());
                assertFalse(below.isEmpty(), "the lowest listed budget's seed keeps a drop of " + allowed);
                double previous = listed.first();
                for (double m : below) {
                    assertEquals(previous * s.solver().extendStep(), m, 1e-12, "steps of extend-step: " + below);
                    assertTrue(leastDrop(sweep, space, profile, previous) <= allowed, "a step after budget "
                            + previous + ", whose seed is predicted past the constraint");
                    previous = m;
                }
                assertTrue(below.size() == SolverSeeds.MAX_EXTENSION_STEPS
                        || leastDrop(sweep, space, profile, previous) > allowed
                        || infeasible(space, profile, costs, s, previous * s.solver().extendStep()),
                        "the sweep stopped at " + previous + " with its seed predicted within " + allowed);
            }
            SearchSettings noSteps = Profiled.settings("solver.extend-step=0");
            assertEquals(listed, SolverSeeds.sweep(space, profile, costs, noSteps, base - 1.0).seeds().keySet());
        }
    }

    /** The least drop the profile predicts for memory budget m's seeds. */
    private static double leastDrop(SolverSeeds.Sweep sweep, SearchSpace space, SensitivityProfile profile,
                                    double m) {
        LossTerms drops = LossTerms.qualityDrops(space, profile);
        return sweep.seeds().get(m).stream().filter(Objects::nonNull).mapToDouble(g -> drops.of(space, g)).min()
                .orElse(Double.POSITIVE_INFINITY);
    }

    /** True if no cost budget has a solution at memory budget m. */
    private static boolean infeasible(SearchSpace space, SensitivityProfile profile, CostModel costs,
                                      SearchSettings s, double m) {
        SearchSettings only = Profiled.settings("solver.memory-budgets=[" + m + "]", "solver.extend-step=0");
        return SolverSeeds.sweep(space, profile, costs, only, Double.NEGATIVE_INFINITY).seeds().get(m).stream()
                .allMatch(Objects::isNull);
    }

    /**
     * CP-SAT's hint: for every budget the weights alone can meet, the greedy assignment meets it (as the model prices
     * it), and a budget below every weight at its smallest format gives none.
     */
    @Test
    void theGreedyHintMeetsEveryBudgetTheWeightsCanMeet() {
        try (Profiled p = Profiled.synthetic()) {
            SearchProblem problem = p.problem();
            SearchSettings s = p.settings();
            SearchSpace space = problem.space();
            SensitivityProfile profile = flat(p.profile(), space);
            KnapsackTerms t = new KnapsackTerms(space, CostTerms.measure(space, problem.costModel(space), null),
                    LossTerms.of(space, profile));
            long smallest = 0;
            for (int l = 0; l < t.layers(); l++) {
                smallest += Arrays.stream(t.weightMemory[l]).min().orElseThrow() * t.weightLoss[l].length;
            }
            List<Double> budgets = new ArrayList<>(s.solver().memoryBudgets());
            budgets.add(-0.1); // less than nothing: no assignment meets it
            for (double fraction : budgets) {
                long limit = t.memoryLimit(fraction);
                int[][] hint = GreedyHint.weightFormats(t, limit, Long.MAX_VALUE);
                if (smallest > limit) {
                    assertEquals(null, hint, "budget " + fraction);
                    continue;
                }
                assertTrue(hint != null, "no hint for budget " + fraction);
                long memory = 0;
                for (int l = 0; l < t.layers(); l++) {
                    for (int format : hint[l]) {
                        memory += t.weightMemory[l][format];
                    }
                }
                assertTrue(memory <= limit, "budget " + fraction + ": " + memory + " > " + limit);
            }
        }
    }

    /** The same probes with every measured change set to none (each probe measured exactly as the baseline). */
    private static SensitivityProfile flat(SensitivityProfile p, SearchSpace space) {
        int layers = space.layers().size();
        SensitivityProfile.Measured[][] w = new SensitivityProfile.Measured[layers][];
        SensitivityProfile.Measured[][] a = new SensitivityProfile.Measured[layers][];
        double[][][] energy = new double[layers][][];
        for (int l = 0; l < layers; l++) {
            var ls = space.layers().get(l);
            w[l] = new SensitivityProfile.Measured[ls.weights().size()];
            Arrays.fill(w[l], p.baseline());
            a[l] = new SensitivityProfile.Measured[ls.activations().size()];
            Arrays.fill(a[l], p.baseline());
            energy[l] = new double[ls.weights().size()][ls.layer().outChannels()];
            for (int f = 0; f < energy[l].length; f++) {
                for (int c = 0; c < energy[l][f].length; c++) {
                    energy[l][f][c] = p.channelEnergy(l, f, c);
                }
            }
        }
        return new SensitivityProfile(p.baseline(), w, a, p.hasChannelEnergy() ? energy : null);
    }

    @Test
    void budgetsAreTriedMiddleFirstSoThatAnyPrefixSpansTheSweep() {
        assertEquals(List.of(0.5, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8),
                SolverSeeds.spreadOrder(List.of(0.8, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)));
    }
}
