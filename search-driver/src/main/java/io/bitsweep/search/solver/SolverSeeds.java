package io.bitsweep.search.solver;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import io.bitsweep.search.config.Objective;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.operators.InitialPopulation;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Solver-seeded generation 0, HAWQ-V3's integer program feeding a multi-objective search: the least predicted loss
 * under a weight memory budget and a cycle (or energy) budget, for a sweep of budgets, each solved by OR-Tools CP-SAT
 * as a multiple-choice knapsack ({@link CostTerms}, {@link LossTerms}). Each distinct solution is a seed genome with
 * the origin {@code solver:memory=0.550,cycles=1.000}. CP-SAT runs with one worker and a deterministic time limit, so
 * the same inputs give the same seeds on every machine, whatever its load and however many budgets run at once.
 */
public final class SolverSeeds {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SolverSeeds.class);
    /** At most this many budgets below the listed ones (0.85^12 is a seventh of the lowest listed). */
    static final int MAX_EXTENSION_STEPS = 12;
    private SolverSeeds() {}

    public static List<InitialPopulation.Seeded> solve(SearchSpace space, SensitivityProfile profile,
                                                       CostModel costModel, SearchSettings settings,
                                                       double minQuality) {
        Sweep sweep = sweep(space, profile, costModel, settings, minQuality);
        Map<Genome, String> out = new LinkedHashMap<>();
        for (double m : spreadOrder(List.copyOf(sweep.seeds().keySet()))) {
            List<Genome> seeds = sweep.seeds().get(m);
            for (int i = 0; i < seeds.size(); i++) {
                if (seeds.get(i) != null) {
                    out.putIfAbsent(seeds.get(i), sweep.origin(m, i));
                }
            }
        }
        int distinct = out.size();
        out.keySet().retainAll(sweep.predicted().undominated(out.keySet()));
        // The two phases apart: pricing the changes runs hw-sim, the solves run CP-SAT; either can dominate.
        LOG.info(String.format(Locale.ROOT, "solver: %d seeds (%d distinct, %d predicted dominated) from %d budget "
                + "pairs, %d memory budgets below the listed ones; cost terms %.1f s, solves %.1f s", out.size(),
                distinct, distinct - out.size(), sweep.seeds().size() * sweep.costBudgets().size(),
                sweep.seeds().size() - settings.solver().memoryBudgets().stream().distinct().count(),
                sweep.costTermSeconds(), sweep.solveSeconds()));
        List<InitialPopulation.Seeded> seeds = new ArrayList<>();
        out.forEach((g, o) -> seeds.add(new InitialPopulation.Seeded(g, o)));
        return seeds;
    }

    /**
     * The budgets' solutions before any is left out.
     *
     * @param seeds       memory budget to its seeds, one per cost budget (null where none was found)
     * @param costBudgets the cost budgets solved (NaN alone when the search has no cycles or energy objective)
     */
    record Sweep(TreeMap<Double, List<Genome>> seeds, List<Double> costBudgets, Objective costObjective,
                 SeedPrediction predicted, double costTermSeconds, double solveSeconds) {
        /** The origin of memory budget m's seed for the i-th cost budget: solver:memory=0.550,cycles=1.000. */
        String origin(double m, int i) {
            return String.format(Locale.ROOT, "%smemory=%.3f%s", InitialPopulation.SOLVER_ORIGIN, m,
                    costObjective == null ? "" : String.format(Locale.ROOT, ",%s=%.3f", costObjective.key(),
                            costBudgets.get(i)));
        }
    }

    static Sweep sweep(SearchSpace space, SensitivityProfile profile, CostModel costModel, SearchSettings settings,
                       double minQuality) {
        Objective costObjective = settings.objectives().contains(Objective.CYCLES) ? Objective.CYCLES
                : settings.objectives().contains(Objective.ENERGY) ? Objective.ENERGY : null;
        long start = System.nanoTime();
        CostTerms costs = CostTerms.measure(space, costModel, costObjective);
        KnapsackTerms terms = new KnapsackTerms(space, costs, LossTerms.of(space, profile));
        long measured = System.nanoTime();
        Loader.loadNativeLibraries();
        List<Double> costBudgets = costObjective == null ? List.of(Double.NaN) : settings.solver().costBudgets();
        double time = settings.solver().deterministicTime();
        TreeMap<Double, List<Genome>> solved = new TreeMap<>(solveAll(space, terms, settings.solver().memoryBudgets(),
                costBudgets, time));
        SeedPrediction predicted = new SeedPrediction(space, LossTerms.qualityDrops(space, profile), costModel,
                costObjective, profile.baseline().samples());
        // Without an accuracy constraint nothing says where the front ends, so the sweep stays as listed.
        double allowedDrop = minQuality == Double.NEGATIVE_INFINITY ? Double.NaN
                : profile.baseline().quality() - minQuality;
        extendBelow(space, terms, solved, costBudgets, time, settings.solver().extendStep(), allowedDrop, predicted);
        return new Sweep(solved, costBudgets, costObjective, predicted, (measured - start) / 1e9,
                (System.nanoTime() - measured) / 1e9);
    }

    /**
     * Every pair of budgets solved. The solves are independent and each is bounded by deterministic work, not by
     * time, so they run on every core at once and still give the seeds of one after the other.
     */
    private static Map<Double, List<Genome>> solveAll(SearchSpace space, KnapsackTerms terms, List<Double> memory,
                                                      List<Double> costBudgets, double time) {
        List<double[]> pairs = new ArrayList<>();
        for (double m : memory.stream().distinct().toList()) {
            for (double c : costBudgets) {
                pairs.add(new double[] {m, c});
            }
        }
        List<Optional<Genome>> genomes = pairs.parallelStream()
                .map(p -> Optional.ofNullable(solveOne(space, terms, p[0], p[1], time))).toList();
        Map<Double, List<Genome>> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            out.computeIfAbsent(pairs.get(i)[0], k -> new ArrayList<>()).add(genomes.get(i).orElse(null));
        }
        return out;
    }

    /**
     * The sweep below its lowest memory budget, a factor {@code step} at a time, for as long as the profile predicts
     * that the lowest budget's best seed keeps the accuracy constraint: a model whose front lies below the listed
     * budgets (VWW's MobileNet keeps its accuracy at 14% of int8's weight memory) gets seeds there, and one that
     * collapses above them (ResNet-8 under a 25-point drop) gets none; NaN allows no step. The last step's seed is the
     * first the profile predicts past the constraint; it is kept, because the additive model errs either way by a few
     * points.
     */
    private static void extendBelow(SearchSpace space, KnapsackTerms terms, TreeMap<Double, List<Genome>> solved,
                                    List<Double> costBudgets, double time, double step, double allowedDrop,
                                    SeedPrediction predicted) {
        for (int i = 0; step > 0 && i < MAX_EXTENSION_STEPS; i++) {
            double lowest = solved.firstKey();
            double drop = solved.get(lowest).stream().filter(Objects::nonNull)
                    .mapToDouble(predicted::drop).min().orElse(Double.POSITIVE_INFINITY);
            if (!(drop <= allowedDrop)) {
                return;
            }
            double next = lowest * step;
            List<Genome> seeds = solveAll(space, terms, List.of(next), costBudgets, time).get(next);
            if (seeds.stream().allMatch(Objects::isNull)) {
                return;
            }
            solved.put(next, seeds);
        }
    }

    /**
     * The budgets in the order their seeds should take generation 0's slots when there are fewer slots than seeds:
     * the middle budget first, then the middles of the halves, and so on, so any prefix spans the whole sweep.
     */
    static List<Double> spreadOrder(List<Double> budgets) {
        List<Double> sorted = budgets.stream().sorted().toList();
        List<Double> out = new ArrayList<>();
        ArrayDeque<int[]> ranges = new ArrayDeque<>();
        ranges.add(new int[] {0, sorted.size()});
        while (!ranges.isEmpty()) {
            int[] r = ranges.poll();
            if (r[0] >= r[1]) {
                continue;
            }
            int mid = (r[0] + r[1]) / 2;
            out.add(sorted.get(mid));
            ranges.add(new int[] {r[0], mid});
            ranges.add(new int[] {mid + 1, r[1]});
        }
        return out;
    }

    /**
     * One knapsack: per weight gene exactly one format, per activation gene exactly one format; a layer whose cost
     * depends on another layer's activation format ({@link KnapsackTerms#coupled}) chooses (weight format,
     * activation format) pairs per gene, tied to that activation gene's choice. CP-SAT starts from {@link GreedyHint}'s
     * assignment where there is one. Null if infeasible or unsolved.
     *
     * @param costFraction the cost budget as a fraction of the baseline's, NaN for none
     */
    static Genome solveOne(SearchSpace space, KnapsackTerms t, double memoryFraction, double costFraction,
                           double deterministicTime) {
        CpModel model = new CpModel();
        LinearExprBuilder memory = LinearExpr.newBuilder();
        LinearExprBuilder cost = LinearExpr.newBuilder();
        LinearExprBuilder loss = LinearExpr.newBuilder();
        long memoryLimit = t.memoryLimit(memoryFraction);
        long costLimit = t.costLimit(costFraction);
        int[][] hint = GreedyHint.weightFormats(t, memoryLimit, costLimit);
        int layers = t.layers();
        BoolVar[][] act = new BoolVar[layers][];
        for (int k = 0; k < layers; k++) {
            int options = t.activationCost[k].length;
            act[k] = new BoolVar[options];
            for (int a = 0; a < options; a++) {
                act[k][a] = model.newBoolVar("act" + k + "_" + a);
                cost.addTerm(act[k][a], t.activationCost[k][a]);
                loss.addTerm(act[k][a], t.activationLoss[k][a]);
                if (hint != null) {
                    model.addHint(act[k][a], a == 0 ? 1 : 0);
                }
            }
            model.addExactlyOne(act[k]);
        }
        // choice[l][gene][f][a]: gene of layer l at weight format f while its coupled activation gene is at a
        BoolVar[][][][] choice = new BoolVar[layers][][][];
        for (int l = 0; l < layers; l++) {
            int k = t.coupled[l];
            int acts = t.weightCost[l][0].length;
            int formats = t.weightMemory[l].length;
            choice[l] = new BoolVar[t.weightLoss[l].length][formats][acts];
            for (int g = 0; g < choice[l].length; g++) {
                List<BoolVar> all = new ArrayList<>();
                for (int a = 0; a < acts; a++) {
                    List<BoolVar> withA = new ArrayList<>();
                    for (int f = 0; f < formats; f++) {
                        BoolVar v = model.newBoolVar("w" + l + "_" + g + "_" + f + "_" + a);
                        choice[l][g][f][a] = v;
                        memory.addTerm(v, t.weightMemory[l][f]);
                        cost.addTerm(v, t.weightCost[l][f][a]);
                        loss.addTerm(v, t.weightLoss[l][g][f]);
                        if (hint != null) {
                            model.addHint(v, f == hint[l][g] && a == 0 ? 1 : 0);
                        }
                        withA.add(v);
                        all.add(v);
                    }
                    if (k >= 0) {
                        model.addEquality(LinearExpr.sum(withA.toArray(BoolVar[]::new)), act[k][a]);
                    }
                }
                model.addExactlyOne(all.toArray(BoolVar[]::new));
            }
        }
        model.addLessOrEqual(memory, memoryLimit);
        if (!Double.isNaN(costFraction)) {
            model.addLessOrEqual(cost, costLimit);
        }
        model.minimize(loss);
        CpSolver solver = new CpSolver();
        solver.getParameters().setNumWorkers(1).setRandomSeed(1).setMaxDeterministicTime(deterministicTime)
                // Without presolve: on VWW's model (16k choices, a loss of many near-equal tie-break terms) presolve
                // alone used the whole deterministic time, so CP-SAT returned UNKNOWN even with a feasible hint. IC's
                // memory-only budgets still solve to OPTIMAL without it.
                .setCpModelPresolve(false).setLogSearchProgress(false);
        CpSolverStatus status = solver.solve(model);
        if (status != CpSolverStatus.OPTIMAL && status != CpSolverStatus.FEASIBLE) {
            return null;
        }
        byte[] genes = new byte[space.genomeLength()];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            for (int a = 0; a < act[l].length; a++) {
                if (solver.booleanValue(act[l][a])) {
                    genes[ls.activationGene()] = (byte) a;
                }
            }
            for (int g = 0; g < ls.weightGenes(); g++) {
                for (int f = 0; f < ls.weights().size(); f++) {
                    for (BoolVar v : choice[l][g][f]) {
                        if (solver.booleanValue(v)) {
                            genes[ls.weightOffset() + g] = (byte) f;
                        }
                    }
                }
            }
        }
        return Genome.wrap(genes);
    }
}
