package io.bitsweep.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.Objective;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.nsga.Candidate;
import io.bitsweep.search.nsga.Evaluation;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.ObjectiveVector;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.space.AssignmentCodec;
import io.bitsweep.search.space.Draws;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.InitialPopulation;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.space.Variation;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.SeedAssignments;
import io.bitsweep.search.store.ScoredTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The NSGA-II generation loop. Generation 0 is the seeded initial population; every later generation makes
 * {@code population} children by binary tournament, crossover and mutation, evaluates the new genomes in one batch,
 * keeps the best {@code population} of parents and children, and merges the children into the global archive.
 * Each generation is persisted before the next starts, so a run can resume after its last complete generation and
 * end with the same archive as an uninterrupted run.
 */
public final class SearchRun {
    private static final ObjectMapper SUMMARY_JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SearchRun.class);
    /** How many fresh draws a child gets before a genome seen before is accepted (and its evaluation reused). */
    private static final int DUPLICATE_RETRIES = 8;

    private final SearchSettings settings;
    private final SearchProblem problem;
    private final PopulationEvaluator evaluator;
    private final RunStore store;
    private final SearchListener listener;
    private final SearchSpace space;
    private final AssignmentCodec codec;
    private final Variation variation;
    private final Draws draws;
    private final Fronts fronts;
    private final CostModel costModel;
    private final long memoryBudget;
    private final long[] reportBudgets;
    private final String qualityMetric;

    private final Map<Genome, Evaluation> evaluated = new HashMap<>();
    /** The summed activation statistics of every genome evaluated, in this JVM or (on resume) read from the store. */
    private final Map<Genome, long[]> activationStats = new HashMap<>();
    private final List<Double> hypervolumes = new ArrayList<>();
    private List<Scored> population = List.of();
    private List<InitialPopulation.Seeded> seeds;
    private ParetoArchive archive = ParetoArchive.empty();

    public SearchRun(SearchSettings settings, SearchProblem problem, PopulationEvaluator evaluator, RunStore store,
                     SearchListener listener) {
        this.settings = settings;
        this.problem = problem;
        this.evaluator = evaluator;
        this.store = store;
        this.listener = listener;
        this.space = SearchSpace.of(settings, problem.layers());
        this.codec = new AssignmentCodec(space, settings.quantization(), problem.modelSha256());
        this.variation = new Variation(space, settings.variation());
        this.draws = new Draws(settings.seed());
        this.qualityMetric = problem.usesAuc() ? "auc" : "accuracy";
        if (problem.usesAuc() != settings.objectives().contains(Objective.AUC)) {
            throw new BitSweepException(SearchSettings.ROOT + ".objectives: this task's metric is " + qualityMetric
                    + "; list " + qualityMetric + " (got " + settings.objectives().stream().map(Objective::key).toList() + ")");
        }
        this.costModel = problem.costModel(space);
        CostModel.Costs int8 = costModel.costs(space.uniform("int8", "int8"), new long[0]);
        this.fronts = new Fronts(scales(int8), settings.hypervolumeReference());
        SearchSettings.MemoryBudget mb = settings.memoryBudget();
        this.memoryBudget = !mb.enabled() ? 0 : mb.fromTarget() ? problem.targetWeightMemoryBytes() : mb.bytes();
        TreeSet<Long> budgets = new TreeSet<>(List.of(int8.memoryBytes() / 4, int8.memoryBytes() / 2, int8.memoryBytes()));
        if (memoryBudget > 0) {
            budgets.add(memoryBudget);
        }
        this.reportBudgets = budgets.stream().mapToLong(Long::longValue).toArray();
    }

    public SearchSpace space() {
        return space;
    }

    public AssignmentCodec codec() {
        return codec;
    }

    public List<Double> hypervolumes() {
        return List.copyOf(hypervolumes);
    }

    /**
     * One point's per-layer costs as hw-sim's CSV, from the cost model and the activation statistics its evaluation
     * used; empty if the cost model has none, or if it needs statistics a resumed-from store did not keep.
     */
    public Optional<String> layerCostsCsv(Scored point) {
        Genome g = point.candidate().genome();
        long[] stats = activationStats.get(g);
        Optional<String> csv = costModel.layerCostsCsv(g, stats);
        if (csv.isEmpty() && stats == null && costModel.layerCostsCsv(g, new long[0]).isPresent()) {
            LOG.warn("no per-layer costs for front point {}: the target's costs depend on activation statistics, and "
                    + "the run store it was resumed from predates their activation_stats column", point.id());
        }
        return csv;
    }

    public ParetoArchive archive() {
        return archive;
    }

    /** Runs the remaining generations (all of them, or those after the store's last complete one). */
    public ParetoArchive run(boolean resume) {
        int start = 0;
        if (resume) {
            int last = store.lastCompleteGeneration();
            if (last >= 0) {
                restore(last);
                listener.resumed(last);
                start = last + 1;
            }
        }
        for (int g = start; g < settings.generations(); g++) {
            runGeneration(g);
        }
        return archive;
    }

    /** Stops after generation {@code last} as if killed there; tests use it to check resume. */
    public ParetoArchive runUntil(int last) {
        for (int g = 0; g <= last; g++) {
            runGeneration(g);
        }
        return archive;
    }

    private void runGeneration(int g) {
        long t0 = System.nanoTime();
        List<Candidate> children = g == 0 ? initial() : offspring(g);
        Map<Genome, Integer> fresh = new LinkedHashMap<>();
        for (Candidate c : children) {
            if (!evaluated.containsKey(c.genome())) {
                fresh.putIfAbsent(c.genome(), fresh.size());
            }
        }
        Genome[] batch = fresh.keySet().toArray(Genome[]::new);
        listener.generationStarted(g, settings.generations(), (long) batch.length * evaluator.shardCount());
        if (batch.length > 0) {
            CandidateTally[] tallies = evaluator.evaluate(g, batch, listener::evaluationsDone);
            for (int i = 0; i < batch.length; i++) {
                evaluated.put(batch[i], evaluation(batch[i], tallies[i]));
                activationStats.put(batch[i], tallies[i].activationStats());
            }
        }
        List<ScoredTable.Row> evaluationRows = new ArrayList<>();
        List<Scored> scoredChildren = new ArrayList<>();
        for (Candidate c : children) {
            Scored s = scored(c, evaluated.get(c.genome()));
            scoredChildren.add(s);
            evaluationRows.add(row(s, -1, 0, !fresh.containsKey(c.genome())));
        }
        List<Scored> union = new ArrayList<>(population);
        union.addAll(scoredChildren);
        population = fronts.select(union, settings.population());
        archive = archive.update(scoredChildren, fronts, settings.archiveMaxSize(),
                settings.archiveTruncation() == SearchSettings.ArchiveTruncation.HYPERVOLUME);
        double hv = fronts.hypervolume(archive.points());
        hypervolumes.add(hv);
        persist(g, evaluationRows, hv);
        listener.generationFinished(new GenerationSummary(g, settings.generations(), batch.length,
                children.size() - batch.length, archive.size(), hv, qualityMetric, bestByBudget(),
                (System.nanoTime() - t0) / 1e9));
    }

    private List<Candidate> initial() {
        List<Candidate> out = new ArrayList<>();
        List<InitialPopulation.Seeded> seeded = InitialPopulation.create(space, settings, draws, seeds());
        for (int i = 0; i < seeded.size(); i++) {
            out.add(new Candidate(Candidate.id(0, i), 0, i, seeded.get(i).genome(), seeded.get(i).origin(), null, null));
        }
        return out;
    }

    /**
     * The {@code init-from} assignments as genomes of this space, read once; an assignment that cannot be read or
     * does not fit is an error. A new run calls it before it writes anything, so a bad seed leaves no run directory.
     */
    public List<InitialPopulation.Seeded> seeds() {
        if (seeds == null) {
            seeds = readSeeds();
        }
        return seeds;
    }

    private List<InitialPopulation.Seeded> readSeeds() {
        List<InitialPopulation.Seeded> out = new ArrayList<>();
        for (SeedAssignments.Seed s : SeedAssignments.read(settings.initFrom(), new org.apache.hadoop.conf.Configuration())) {
            out.add(new InitialPopulation.Seeded(codec.toGenome(s.assignment(), "init-from " + s.source()), "init:" + s.source()));
        }
        if (!out.isEmpty()) {
            LOG.info("generation 0 starts from {} init-from assignment(s)", out.size());
        }
        return out;
    }

    private List<Candidate> offspring(int g) {
        Map<Scored, Fronts.Order> order = fronts.order(population);
        int n = settings.population();
        List<Candidate> out = new ArrayList<>(n);
        java.util.Set<Genome> taken = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            Candidate child = null;
            for (int attempt = 0; attempt <= DUPLICATE_RETRIES; attempt++) {
                int stream = i + attempt * n;
                SplittableRandom sel = draws.stream(g, stream, Draws.Purpose.SELECTION);
                Scored a = tournament(order, sel);
                Scored b = tournament(order, sel);
                Genome genome = variation.mutate(
                        variation.crossover(a.candidate().genome(), b.candidate().genome(),
                                draws.stream(g, stream, Draws.Purpose.CROSSOVER)),
                        draws.stream(g, stream, Draws.Purpose.MUTATION));
                child = new Candidate(Candidate.id(g, i), g, i, genome, "offspring", a.id(), b.id());
                if (!evaluated.containsKey(genome) && !taken.contains(genome)) {
                    break;
                }
            }
            taken.add(child.genome());
            out.add(child);
        }
        return out;
    }

    /** Binary tournament on (rank, crowding distance), NSGA-II's crowded comparison. */
    private Scored tournament(Map<Scored, Fronts.Order> order, SplittableRandom rnd) {
        Scored a = population.get(rnd.nextInt(population.size()));
        Scored b = population.get(rnd.nextInt(population.size()));
        return Fronts.byOrder(order).compare(a, b) <= 0 ? a : b;
    }

    private Evaluation evaluation(Genome genome, CandidateTally t) {
        double quality = problem.quality(t);
        CostModel.Costs cost = costModel.costs(genome, t.activationStats());
        double violation = 0;
        if (settings.maxAccuracyDrop() >= 0) {
            violation += Math.max(0, problem.floatQuality() - quality - settings.maxAccuracyDrop());
        }
        if (memoryBudget > 0 && cost.memoryBytes() > memoryBudget) {
            violation += (double) (cost.memoryBytes() - memoryBudget) / memoryBudget;
        }
        return new Evaluation(t.samples(), t.correct(), quality, t.samples() == 0 ? 0 : t.lossSum() / t.samples(),
                cost.weightBits(), cost.memoryBytes(), cost.cycles(), cost.energyPj(), violation);
    }

    private Scored scored(Candidate c, Evaluation e) {
        return new Scored(c, e, ObjectiveVector.of(settings.objectives(), e));
    }

    private double[] scales(CostModel.Costs int8) {
        double[] s = new double[settings.objectives().size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = switch (settings.objectives().get(i)) {
                case ACCURACY, AUC -> 1.0;
                case WEIGHT_BITS -> int8.weightBits();
                case CYCLES -> int8.cycles();
                case ENERGY -> int8.energyPj();
            };
            if (!(s[i] > 0)) {
                s[i] = 1.0;
            }
        }
        return s;
    }

    private List<GenerationSummary.BudgetBest> bestByBudget() {
        List<GenerationSummary.BudgetBest> out = new ArrayList<>();
        for (long b : reportBudgets) {
            double best = archive.points().stream().filter(s -> s.evaluation().memoryBytes() <= b)
                    .mapToDouble(s -> s.evaluation().quality()).max().orElse(Double.NaN);
            out.add(new GenerationSummary.BudgetBest(b, best));
        }
        return out;
    }

    private void persist(int g, List<ScoredTable.Row> evaluationRows, double hypervolume) {
        Map<Scored, Fronts.Order> order = fronts.order(population);
        List<ScoredTable.Row> pop = population.stream()
                .map(s -> row(s, order.get(s).rank(), order.get(s).crowding(), false)).toList();
        List<ScoredTable.Row> arch = archive.points().stream().map(s -> row(s, 0, 0, false)).toList();
        store.writeGeneration(g, pop, evaluationRows, arch, summaryJson(g, hypervolume));
    }

    /**
     * The generation's hypervolume and what it is measured in (objective scales, reference point), so that readers
     * such as the notebooks use the search's own normalisation instead of reconstructing it.
     */
    private String summaryJson(int g, double hypervolume) {
        ObjectNode root = SUMMARY_JSON.createObjectNode();
        root.put("schema", "bitsweep.generation/1");
        root.put("generation", g);
        root.put("hypervolume", hypervolume);
        root.put("archive_size", archive.size());
        ObjectNode scales = root.putObject("objective_scales");
        ObjectNode reference = root.putObject("hypervolume_reference");
        double[] s = fronts.scales();
        double[] ref = fronts.reference();
        for (int i = 0; i < s.length; i++) {
            String key = settings.objectives().get(i).key();
            scales.put(key, s[i]);
            reference.put(key, ref[i]);
        }
        try {
            return SUMMARY_JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ScoredTable.Row row(Scored s, int rank, double crowding, boolean reused) {
        long[] stats = activationStats.getOrDefault(s.candidate().genome(), new long[0]);
        return new ScoredTable.Row(s.candidate(), s.evaluation(), qualityMetric,
                codec.toJsonString(s.candidate().genome()), rank, crowding, reused,
                java.util.Arrays.stream(stats).boxed().toList());
    }

    /** Rebuilds the loop's state from the store: the survivors, the archive and every evaluation so far. */
    private void restore(int last) {
        for (int g = 0; g <= last; g++) {
            for (ScoredTable.Row r : store.readTable(g, "evaluations")) {
                Genome genome = space.check(r.candidate().genome());
                evaluated.putIfAbsent(genome, r.evaluation());
                if (!r.activationStats().isEmpty()) { // empty: none kept, or a store written before the column
                    activationStats.putIfAbsent(genome, r.activationStats().stream().mapToLong(Long::longValue).toArray());
                }
            }
            hypervolumes.add(fronts.hypervolume(rows(store.readTable(g, "archive"))));
        }
        population = rows(store.readTable(last, "population"));
        archive = new ParetoArchive(rows(store.readTable(last, "archive")));
    }

    private List<Scored> rows(List<ScoredTable.Row> rows) {
        return rows.stream().map(r -> scored(r.candidate(), r.evaluation())).toList();
    }
}
