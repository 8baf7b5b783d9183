package io.bitsweep.search;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.cli.BuildInfo;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.problem.ProblemFactory;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.report.FrontReport;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.spark.SparkPopulationEvaluator;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.RunManifest;
import io.bitsweep.search.store.RunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One {@code bitsweep search}: opens the problem the config names, checks the run directory (new, or resumable
 * with the same config), runs the generations on Spark and writes the front outputs.
 */
public final class SearchJob {
    /** Where and how to run. {@code session} null means: create one for {@code master}. */
    public record Options(String out, boolean resume, String master, boolean verbose, SparkSession session) {}

    /** The outcome: the final archive and the hypervolume after each generation. */
    public record Result(ParetoArchive archive, List<Double> hypervolumes, RunStore store) {}

    private SearchJob() {}

    public static Result run(SearchSettings settings, Options options, SearchListener listener) {
        ProblemFactory factory = factory(settings.evaluator());
        RunStore store = RunStore.at(options.out(), new org.apache.hadoop.conf.Configuration());
        boolean hasRun = store.exists(RunStore.RUN_JSON);
        if (!options.resume() && store.existsNonEmpty()) {
            throw new BitSweepException("output directory " + options.out()
                    + " already exists and is not empty: pass --resume to continue that run, or choose another --out");
        }
        if (options.resume() && !hasRun && store.existsNonEmpty()) {
            throw new BitSweepException("cannot resume " + options.out() + ": it has no run.json (not a BitSweep run)");
        }
        try (SearchProblem problem = factory.open(settings)) {
            if (hasRun) {
                RunManifest.checkResumable(store.readText(RunStore.RUN_JSON), options.out(), settings,
                        problem.modelSha256(), problem.dataSha256());
            }
            SparkSession session = options.session() != null ? options.session()
                    : SparkSessions.create(options.master(), registrators(factory), options.verbose());
            try {
                SearchSpace space = SearchSpace.of(settings, problem.layers());
                List<GenerationSummary> summaries = new ArrayList<>();
                SearchListener recording = new SearchListener() {
                    @Override
                    public void generationStarted(int generation, int generations, long evaluations) {
                        listener.generationStarted(generation, generations, evaluations);
                    }

                    @Override
                    public void evaluationsDone(long done) {
                        listener.evaluationsDone(done);
                    }

                    @Override
                    public void generationFinished(GenerationSummary summary) {
                        summaries.add(summary);
                        listener.generationFinished(summary);
                    }

                    @Override
                    public void resumed(int last) {
                        listener.resumed(last);
                    }
                };
                try (SparkPopulationEvaluator<?> evaluator = evaluator(session, problem, space, settings.shards())) {
                    SearchRun run = new SearchRun(settings, problem, evaluator, store, recording);
                    if (!hasRun) {
                        run.seeds(); // a bad init-from is refused before the run directory exists
                        store.writeText(RunStore.RUN_JSON, RunManifest.create(settings, problem.modelSha256(),
                                problem.dataSha256(), BuildInfo.version(), session.version()));
                    }
                    ParetoArchive archive = run.run(options.resume());
                    new FrontReport(store, run.codec(), problem.usesAuc() ? "auc" : "accuracy", run::layerCostsCsv)
                            .write(archive.points(), summaries);
                    return new Result(archive, run.hypervolumes(), store);
                }
            } finally {
                if (options.session() == null) {
                    session.stop();
                }
            }
        }
    }

    private static <S> SparkPopulationEvaluator<S> evaluator(SparkSession session, SearchProblem problem,
                                                             SearchSpace space, int shards) {
        @SuppressWarnings("unchecked")
        io.bitsweep.search.problem.ShardScorer<S> scorer =
                (io.bitsweep.search.problem.ShardScorer<S>) problem.scorer(space);
        return new SparkPopulationEvaluator<>(JavaSparkContext.fromSparkContext(session.sparkContext()), scorer,
                problem.modelBytes(), shards);
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
