package io.bitsweep.search.sweep;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.FailureText;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.report.SweepSummary;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.spark.SharedShards;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.RunStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bitsweep sweep}: every cell of a {@link SweepConfig}, one after the other, as ordinary searches in one Spark
 * application (one session: executors, their cached shards ({@link SharedShards}: cells of the same data and
 * evaluation order read and cache them once), parsed models, calibrations and quantized weight rows serve every
 * cell of a benchmark), each into its own run directory under the sweep's. A cell whose report.html exists is
 * done and skipped; a cell with a run.json is resumed; so a killed sweep continues where it stopped. A cell that
 * fails is recorded and the others still run. Then the summary ({@link SweepSummary}) is computed from the run
 * directories.
 */
public final class SweepJob {
    /**
     * Where the sweep's own files go (the cells' run directories under it, sweep.json and the summary) and how it
     * runs; {@code session} null means: create one for {@code master}, and stop it at the end (a given one is left
     * running).
     */
    public record Options(String out, boolean resume, String master, boolean verbose, String eventLog,
                          SparkSession session) {}

    /** What happened to a cell in this invocation. */
    public enum Outcome { RAN, RESUMED, ALREADY_DONE, FAILED }

    public record CellResult(SweepCell cell, String location, Outcome outcome, String error) {}

    /** Told about each cell; {@link #search} gives the listener for a cell's search (progress, generation lines). */
    public interface Listener {
        /** Tells nothing: for callers that only want the result. */
        Listener NONE = new Listener() {
            @Override
            public void cellStarting(int index, int cells, SweepCell cell, Outcome plan) {}

            @Override
            public SearchListener search(SweepCell cell) {
                return SearchListener.NONE;
            }

            @Override
            public void cellFinished(CellResult result, double seconds) {}
        };

        void cellStarting(int index, int cells, SweepCell cell, Outcome plan);

        SearchListener search(SweepCell cell);

        void cellFinished(CellResult result, double seconds);
    }

    static final String SWEEP_JSON = "sweep.json";

    private SweepJob() {}

    /**
     * Recomputes the summary of the sweep in {@code out} from its cells' run directories, without running anything
     * (after a cell was rerun by hand, or to summarize a sweep still running elsewhere).
     */
    public static SweepSummary summarize(SweepConfig config, String out) {
        RunStore root = RunStore.at(out, new Configuration());
        if (!root.exists(SWEEP_JSON)) {
            throw new BitSweepException(out + " is not a BitSweep sweep directory: no " + SWEEP_JSON);
        }
        List<CellResult> cells = config.cells().stream()
                .map(c -> new CellResult(c, cellLocation(out, c), null, null)).toList();
        SweepSummary summary = summary(config, cells, root);
        summary.write(root);
        return summary;
    }

    /** A cell's run directory: under the sweep directory as the user gave it (a path or a Hadoop URI). */
    private static String cellLocation(String out, SweepCell cell) {
        return out.replaceAll("/+$", "") + "/" + cell.id();
    }

    /** The summary of {@code results}' cells, read from their run directories under {@code root}. */
    static SweepSummary summary(SweepConfig config, List<CellResult> results, RunStore root) {
        List<SweepSummary.Cell> cells = results.stream().map(r -> new SweepSummary.Cell(r.cell().id(),
                r.cell().benchmark().name(), r.cell().target(), r.cell().space().name(), r.cell().seed(),
                r.location(), r.error())).toList();
        return SweepSummary.of(config.name(), cells, config.referenceSpace());
    }

    public record Result(List<CellResult> cells, SweepSummary summary) {
        public List<CellResult> failed() {
            return cells.stream().filter(c -> c.outcome() == Outcome.FAILED).toList();
        }
    }

    public static Result run(SweepConfig config, Options options, Listener listener) {
        List<SweepCell> cells = config.cells();
        // Every cell's settings are checked before any work: a typo in the last cell must not surface hours in.
        List<SearchSettings> settings = cells.stream().map(SweepCell::settings).toList();
        RunStore root = RunStore.at(options.out(), new Configuration());
        if (!options.resume() && root.existsNonEmpty()) {
            throw new BitSweepException("output directory " + options.out() + " already exists and is not empty: pass "
                    + "--resume to continue that sweep, or choose another --out");
        }
        if (options.resume() && root.existsNonEmpty() && !root.exists(SWEEP_JSON)) {
            throw new BitSweepException("cannot resume " + options.out() + ": it has no " + SWEEP_JSON
                    + " (not a BitSweep sweep)");
        }
        root.writeText(SWEEP_JSON, SweepManifest.json(config, cells));
        Set<String> registrators = new LinkedHashSet<>();
        settings.forEach(s -> registrators.addAll(SearchJob.kryoRegistrators(s.evaluator())));
        List<CellResult> results = new ArrayList<>();
        SparkSession session = options.session() != null ? options.session()
                : SparkSessions.create(options.master(), List.copyOf(registrators), options.verbose(),
                        options.eventLog());
        try (SharedShards shards = new SharedShards()) {
            for (int i = 0; i < cells.size(); i++) {
                SweepCell cell = cells.get(i);
                String location = cellLocation(options.out(), cell);
                RunStore store = RunStore.at(location, new Configuration());
                Outcome plan = store.isFinished() ? Outcome.ALREADY_DONE
                        : store.exists(RunStore.RUN_JSON) ? Outcome.RESUMED : Outcome.RAN;
                listener.cellStarting(i, cells.size(), cell, plan);
                long t0 = System.nanoTime();
                CellResult result;
                if (plan == Outcome.ALREADY_DONE) {
                    result = new CellResult(cell, location, plan, null);
                } else {
                    try {
                        SearchJob.run(settings.get(i), new SearchJob.Options(location, plan == Outcome.RESUMED,
                                options.master(), options.verbose(), session, null, shards), listener.search(cell));
                        result = new CellResult(cell, location, plan, null);
                    } catch (RuntimeException e) {
                        if (!FailureText.isBadInput(e)) {
                            throw e;
                        }
                        // Bad input of this cell (its data, its space on its target): the other cells still run.
                        result = new CellResult(cell, location, Outcome.FAILED, FailureText.describe(e));
                    }
                }
                results.add(result);
                listener.cellFinished(result, (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            if (options.session() == null) {
                session.stop();
            }
        }
        SweepSummary summary = summary(config, results, root);
        summary.write(root);
        return new Result(results, summary);
    }
}
