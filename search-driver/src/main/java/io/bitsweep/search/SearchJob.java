package io.bitsweep.search;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.search.config.Objective;
import io.bitsweep.search.config.PrescreenSettings;
import io.bitsweep.search.config.RacingSettings;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.CandidateScoring;
import io.bitsweep.search.loop.ExhaustiveScoring;
import io.bitsweep.search.loop.OffspringScreen;
import io.bitsweep.search.loop.ParetoRacing;
import io.bitsweep.search.loop.PredictedScreen;
import io.bitsweep.search.solver.QualityModel;
import io.bitsweep.search.solver.SolverSeeds;
import io.bitsweep.search.profile.SensitivityProfiler;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.store.SplitsFile;
import java.util.Locale;
import io.bitsweep.search.loop.Constraints;
import io.bitsweep.search.loop.FitnessFunction;
import io.bitsweep.search.loop.GenerationLoop;
import io.bitsweep.search.loop.GenerationSummary;
import io.bitsweep.search.loop.LocalPopulationEvaluator;
import io.bitsweep.search.loop.LoopState;
import io.bitsweep.search.loop.PopulationEvaluator;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.operators.InitialPopulation;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.ProblemFactory;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.provenance.Provenance;
import io.bitsweep.search.report.FrontReport;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.spark.SparkPopulationEvaluator;
import io.bitsweep.search.spark.SharedShards;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.RunManifest;
import io.bitsweep.search.store.RunRecorder;
import io.bitsweep.search.store.RunRestorer;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.SeedAssignments;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One {@code bitsweep search}, assembled: opens the problem the config names, checks the run directory (new, or
 * resumable with the same config), reads the warm-start seeds, and runs the {@link GenerationLoop} with a Spark or a
 * local {@link PopulationEvaluator}, a {@link RunRecorder} writing every generation, and finally the front outputs.
 */
public final class SearchJob {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SearchJob.class);
    private static final NumberFormat INT8 = NumberFormat.parse("int8");

    /**
     * Where and how to run. {@code session} null means: create one for {@code master} if the runner is Spark (a given
     * session is used, and left running, whatever the runner).
     */
    public record Options(String out, boolean resume, String master, boolean verbose, SparkSession session,
                          String eventLog, SharedShards sharedShards) {
        /**
         * Without an event log ({@code eventLog}: where Spark writes it, for its History Server; null for none) and
         * with shards of its own ({@code sharedShards}: loaded shards kept across searches, a sweep's; null for none).
         */
        public Options(String out, boolean resume, String master, boolean verbose, SparkSession session) {
            this(out, resume, master, verbose, session, null, null);
        }

        public Options(String out, boolean resume, String master, boolean verbose, SparkSession session,
                       String eventLog) {
            this(out, resume, master, verbose, session, eventLog, null);
        }
    }

    /** The outcome: the final archive and the hypervolume after each generation. */
    public record Result(ParetoArchive archive, List<Double> hypervolumes, RunStore store) {}

    private SearchJob() {}

    public static Result run(SearchSettings settings, Options options, SearchListener listener) {
        return execute(settings, options, listener, false, run -> search(run, listener));
    }

    /**
     * {@code bitsweep profile}: the sensitivity profile alone, into a run directory (run.json, splits.json,
     * sensitivity.parquet) that {@code bitsweep search --resume} continues from without profiling again.
     */
    public static Profiled profile(SearchSettings settings, Options options, SearchListener listener) {
        return execute(settings, options, listener, true, Prepared::profiled);
    }

    /**
     * Everything a search needs once its problem, run directory and evaluator are open and its profile is there.
     *
     * @param last     the last complete generation of a resumed run, -1 for a new one
     * @param profiled the sensitivity profile, or null (profile = off, or a resumed run past generation 0)
     */
    private record Prepared(SearchSettings settings, RunStore store, SearchProblem problem, SearchSpace space,
                            GenomeCodec codec, List<InitialPopulation.Seeded> seeds, CostModel costModel,
                            boolean racing, CostModel.Costs int8, Fronts fronts, long memoryBudget,
                            FitnessFunction fitness, String qualityMetric, Provenance provenance,
                            PopulationEvaluator evaluator, int last, Profiled profiled) {}

    /**
     * Opens the problem, the run directory and the evaluator, profiles (always with {@code profileAlways}, else for
     * a run that has not done generation 0), then hands everything to {@code then}, and closes it all.
     */
    private static <T> T execute(SearchSettings settings, Options options, SearchListener listener,
                                 boolean profileAlways, Function<Prepared, T> then) {
        ProblemFactory factory = factory(settings.evaluator());
        RunStore store = RunStore.at(options.out(), new Configuration());
        boolean hasRun = store.exists(RunStore.RUN_JSON);
        if (!options.resume() && store.existsNonEmpty()) {
            throw new BitSweepException("output directory " + options.out()
                    + " already exists and is not empty: pass --resume to continue that run, or choose another --out");
        }
        if (options.resume() && !hasRun && store.existsNonEmpty()) {
            throw new BitSweepException("cannot resume " + options.out() + ": it has no run.json (not a BitSweep run)");
        }
        if (settings.solver().enabled() && !settings.profile().enabled()) {
            throw new BitSweepException(SearchSettings.ROOT + ".solver: on needs the sensitivity profile, its loss "
                    + "model (set profile = on, or solver = off)");
        }
        if (settings.prescreen().mode() == PrescreenSettings.Mode.ON && !settings.profile().enabled()) {
            throw new BitSweepException(SearchSettings.ROOT + ".prescreen: on needs the sensitivity profile, its loss "
                    + "model (set profile = on, or prescreen = off)");
        }
        try (SearchProblem problem = factory.open(settings, storedSplits(store, hasRun, options.out()))) {
            if (hasRun) {
                RunManifest.checkResumable(store.readText(RunStore.RUN_JSON), options.out(), settings,
                        problem.modelSha256(), problem.dataSha256());
            }
            String qualityMetric = qualityMetric(settings, problem);
            SearchSpace space = problem.space();
            GenomeCodec codec = new GenomeCodec(space, settings.quantization(), problem.modelSha256());
            List<InitialPopulation.Seeded> seeds = seeds(settings, codec); // refused before the run directory exists
            CostModel costModel = problem.costModel(space);
            boolean racing = racing(settings, problem, costModel);
            CostModel.Costs int8 = costModel.costs(space.uniform(INT8, INT8), new long[0]);
            Fronts fronts = new Fronts(scales(settings.objectives(), int8), settings.hypervolumeReference());
            long memoryBudget = memoryBudget(settings, problem);
            FitnessFunction fitness = new FitnessFunction(problem, costModel,
                    new Constraints(problem.floatQuality(), settings.maxAccuracyDrop(), memoryBudget));
            boolean spark = settings.runner() == SearchSettings.Runner.SPARK || options.session() != null;
            SparkSession session = !spark ? null : options.session() != null ? options.session()
                    : SparkSessions.create(options.master(), registrators(factory), options.verbose(),
                            options.eventLog());
            try {
                String sparkVersion = session == null ? "none (local runner)" : session.version();
                if (!hasRun) {
                    store.writeText(RunStore.RUN_JSON, RunManifest.create(settings, problem.modelSha256(),
                            problem.dataSha256(), sparkVersion));
                    store.writeText(SplitsFile.NAME, SplitsFile.write(problem.splits(), problem.sampleLabels()));
                }
                Provenance provenance = RunManifest.provenance(store.readText(RunStore.RUN_JSON), store.location(),
                        sparkVersion);
                try (PopulationEvaluator evaluator = evaluator(session, problem, space,
                        settings.shardsFor(problem.evaluationBytes()), options.sharedShards())) {
                    int last = options.resume() ? store.lastCompleteGeneration() : -1;
                    Profiled profiled = settings.profile().enabled()
                            && (last < 0 || profileAlways || settings.prescreen().enabled(settings.profile()))
                            ? profile(settings, store, space, problem, evaluator, provenance, listener) : null;
                    return then.apply(new Prepared(settings, store, problem, space, codec, seeds, costModel, racing,
                            int8, fronts, memoryBudget, fitness, qualityMetric, provenance, evaluator, last,
                            profiled));
                }
            } finally {
                if (session != null && options.session() == null) {
                    session.stop();
                }
            }
        }
    }

    /** The generation loop from generation 0 (with the solver's seeds) or after a resumed run's last generation. */
    private static Result search(Prepared run, SearchListener listener) {
        SearchSettings settings = run.settings();
        List<InitialPopulation.Seeded> solverSeeds = settings.solver().enabled() && run.last() < 0
                ? SolverSeeds.solve(run.space(), run.profiled().profile(), run.costModel(), settings,
                        run.fitness().constraints().minQuality()) : List.of();
        LoopState start = run.last() < 0 ? LoopState.initial()
                : RunRestorer.restore(run.store(), run.last(), run.space(), run.fronts(), settings.objectives());
        SearchListener recording = new RunRecorder(run.store(), run.codec(), run.fronts(), settings.objectives(),
                run.qualityMetric(), run.problem().floatQuality(), run.provenance());
        int evaluationSize = run.problem().splits().evaluationSize();
        CandidateScoring scoring = run.racing()
                ? new ParetoRacing(run.evaluator(), run.fitness(), settings.objectives(),
                        ParetoRacing.stageEnds(settings.racing().stages(), evaluationSize),
                        ParetoRacing.quantile(settings.racing().confidence()))
                : new ExhaustiveScoring(run.evaluator(), run.fitness(), evaluationSize);
        GenerationSummary.Context context = new GenerationSummary.Context(run.qualityMetric(),
                reportBudgets(run.int8(), run.memoryBudget()), run.racing(),
                run.profiled() == null ? 0 : run.profiled().seconds());
        OffspringScreen screen = settings.prescreen().enabled(settings.profile())
                ? new PredictedScreen(settings.prescreen().factor(),
                        QualityModel.Features.of(run.space(), run.profiled().profile()), run.fitness(), run.fronts(),
                        settings.objectives())
                : OffspringScreen.NONE;
        GenerationLoop loop = new GenerationLoop(settings, run.space(), run.fronts(), scoring, screen, run.seeds(),
                solverSeeds, start, context, SearchListener.both(recording, listener));
        if (run.last() >= 0) {
            listener.resumed(run.last());
        }
        LoopState end = loop.runAll();
        CostModel costModel = run.costModel();
        new FrontReport(run.store(), run.codec(), run.qualityMetric(), p -> layerCostsCsv(costModel, p),
                run.provenance()).write(end.archive().points());
        return new Result(end.archive(), end.hypervolumes(), run.store());
    }

    /** A profile, the space it describes, and the wall time it took (0 when it was read back from the run store). */
    public record Profiled(SensitivityProfile profile, SearchSpace space, double seconds) {}

    /** The run store's profile if it has one (a resumed run, or one `bitsweep profile` made), else a new one. */
    private static Profiled profile(SearchSettings settings, RunStore store, SearchSpace space, SearchProblem problem,
                                    PopulationEvaluator evaluator, Provenance provenance, SearchListener listener) {
        if (store.exists(RunStore.SENSITIVITY)) {
            SensitivityProfile p = store.readSensitivity(space);
            listener.profileFinished("profile: read from " + store.locationOf(RunStore.SENSITIVITY) + " ("
                    + p.baseline().samples() + " samples per probe)");
            return new Profiled(p, space, 0);
        }
        long t0 = System.nanoTime();
        SensitivityProfile p = SensitivityProfiler.run(space, problem, evaluator, settings.profile().samples(),
                listener);
        store.writeSensitivity(p, space, provenance.parquetMetadata());
        double seconds = (System.nanoTime() - t0) / 1e9;
        listener.profileFinished(String.format(Locale.ROOT, "profile: %d probes x %d samples in %.1f s -> %s",
                SensitivityProfiler.probes(space).size(), p.baseline().samples(), seconds, RunStore.SENSITIVITY));
        return new Profiled(p, space, seconds);
    }

    /**
     * Whether candidates are raced: {@code auto} races when the metric is accuracy and costs are known before
     * inference; {@code on} insists, and is an error where racing cannot work.
     */
    private static boolean racing(SearchSettings settings, SearchProblem problem, CostModel costModel) {
        RacingSettings.Mode mode = settings.racing().mode();
        String why = problem.usesAuc() ? "this task's metric is AUC, which has no per-sample outcome to race on"
                : costModel.needsActivationStatistics() ? "the target's costs depend on activation statistics "
                + "(data-dependent), so they are not known before a candidate is scored" : null;
        if (mode == RacingSettings.Mode.ON && why != null) {
            throw new BitSweepException(SearchSettings.ROOT + ".racing: on is not possible here: " + why
                    + " (allowed: auto, off)");
        }
        return mode == RacingSettings.Mode.ON || mode == RacingSettings.Mode.AUTO && why == null;
    }

    /**
     * The splits a resumed run recorded, reused as they are; a run made before splits.json existed chose its samples
     * by offset/count and cannot be resumed with this version.
     */
    private static Optional<SampleSplits> storedSplits(RunStore store, boolean hasRun, String out) {
        if (!hasRun) {
            return Optional.empty();
        }
        if (!store.exists(SplitsFile.NAME)) {
            throw new BitSweepException("cannot resume " + out + ": it has no " + SplitsFile.NAME + " (it was made "
                    + "before searches recorded their samples); start a new run");
        }
        return Optional.of(SplitsFile.read(store.readText(SplitsFile.NAME), out + "/" + SplitsFile.NAME));
    }

    /**
     * The {@code init-from} assignments as genomes of this space, read once; an assignment that cannot be read or
     * does not fit is an error.
     */
    private static List<InitialPopulation.Seeded> seeds(SearchSettings settings, GenomeCodec codec) {
        List<InitialPopulation.Seeded> out = new ArrayList<>();
        for (SeedAssignments.Seed s : SeedAssignments.read(settings.initFrom(), new Configuration())) {
            out.add(new InitialPopulation.Seeded(codec.encode(s.assignment(), "init-from " + s.source()),
                    "init:" + s.source()));
        }
        if (!out.isEmpty()) {
            LOG.info("generation 0 starts from {} init-from assignment(s)", out.size());
        }
        return out;
    }

    private static String qualityMetric(SearchSettings settings, SearchProblem problem) {
        String metric = problem.usesAuc() ? "auc" : "accuracy";
        if (problem.usesAuc() != settings.objectives().contains(Objective.AUC)) {
            throw new BitSweepException(SearchSettings.ROOT + ".objectives: this task's metric is " + metric
                    + "; list " + metric + " (got " + settings.objectives().stream().map(Objective::key).toList() + ")");
        }
        return metric;
    }

    private static long memoryBudget(SearchSettings settings, SearchProblem problem) {
        SearchSettings.MemoryBudget mb = settings.memoryBudget();
        return !mb.enabled() ? 0 : mb.fromTarget() ? problem.targetWeightMemoryBytes() : mb.bytes();
    }

    /** The budgets whose best quality each summary line shows: 1/4, 1/2 and all of int8's size, and the budget. */
    private static long[] reportBudgets(CostModel.Costs int8, long memoryBudget) {
        TreeSet<Long> budgets = new TreeSet<>(List.of(int8.memoryBytes() / 4, int8.memoryBytes() / 2,
                int8.memoryBytes()));
        if (memoryBudget > 0) {
            budgets.add(memoryBudget);
        }
        return budgets.stream().mapToLong(Long::longValue).toArray();
    }

    /** Per objective, what normalises to 1.0: int8's costs; quality metrics are errors in [0, 1] already. */
    private static double[] scales(List<Objective> objectives, CostModel.Costs int8) {
        double[] s = new double[objectives.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = switch (objectives.get(i)) {
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

    /**
     * One front point's per-layer costs as hw-sim's CSV, from the cost model and the activation statistics its
     * fitness holds; empty if the cost model has none, or if it needs statistics a resumed-from store did not keep.
     */
    private static Optional<String> layerCostsCsv(CostModel costModel, Scored point) {
        Fitness f = point.fitness();
        long[] stats = f.activationStats().isEmpty() ? null : f.activationStatsArray();
        Optional<String> csv = costModel.layerCostsCsv(point.candidate().genome(), stats);
        if (csv.isEmpty() && stats == null
                && costModel.layerCostsCsv(point.candidate().genome(), new long[0]).isPresent()) {
            LOG.warn("no per-layer costs for front point {}: the target's costs depend on activation statistics, and "
                    + "the run store it was resumed from predates their activation_stats column", point.id());
        }
        return csv;
    }

    private static PopulationEvaluator evaluator(SparkSession session, SearchProblem problem, SearchSpace space,
                                                 int shards, SharedShards shared) {
        ShardScorer<?> scorer = problem.scorer(space);
        return session == null ? new LocalPopulationEvaluator<>(scorer, problem.modelBytes(), shards)
                : new SparkPopulationEvaluator<>(JavaSparkContext.fromSparkContext(session.sparkContext()), scorer,
                        problem.modelBytes(), shards, shared);
    }

    /** The Kryo registrators a session must have for searches with {@code evaluator} (a sweep's shared session). */
    public static List<String> kryoRegistrators(String evaluator) {
        return registrators(factory(evaluator));
    }

    private static List<String> registrators(ProblemFactory factory) {
        return factory.kryoRegistrator() == null ? List.of() : List.of(factory.kryoRegistrator());
    }

    /** The evaluators on the class path, by name. */
    static ProblemFactory factory(String name) {
        TreeMap<String, ProblemFactory> all = new TreeMap<>();
        for (ProblemFactory f : ServiceLoader.load(ProblemFactory.class)) {
            all.put(f.name(), f);
        }
        ProblemFactory f = all.get(name);
        if (f == null) {
            throw new BitSweepException(SearchSettings.ROOT + ".evaluator: unknown evaluator '" + name + "' (allowed: "
                    + (all.isEmpty() ? "none in this build" : all.keySet().stream().collect(Collectors.joining(", ")))
                    + ")");
        }
        return f;
    }
}
