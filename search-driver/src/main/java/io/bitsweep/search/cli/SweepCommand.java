package io.bitsweep.search.cli;

import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.report.SweepSummary;
import io.bitsweep.search.sweep.SweepCell;
import io.bitsweep.search.sweep.SweepConfig;
import io.bitsweep.search.sweep.SweepJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep sweep --config conf/sweeps/NAME.conf}: a matrix of searches (benchmarks x targets x spaces x seeds)
 * in one Spark application, one run directory per cell, and the sweep summary.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a sweep: every benchmark x hardware target x search space x seed of a sweep config as one "
                + "search, all in one Spark application, each into its own run directory (OUT/<benchmark>/<target>/"
                + "<space>/seed-<n>). Then the summary: summary.{parquet,csv,md,html} in OUT, with each cell's "
                + "memory and energy saving at iso-accuracy against uniform int8 and the reference space.",
            "A killed sweep continues with --resume: finished cells are skipped, a started one is resumed."})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "Sweep config (HOCON, block bitsweep.sweep), e.g. conf/sweeps/mlperf-tiny.conf.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Sweep directory: a path or a Hadoop FileSystem URI (default: runs/sweep-<name>-<time>).")
    String out;

    @Option(names = "--resume", description = "Continue the sweep in --out: finished cells are skipped, started ones "
            + "resumed after their last complete generation, the rest run.")
    boolean resume;

    @Option(names = "--summary-only", description = "Only recompute the summary of the sweep in --out from its cells' "
            + "run directories.")
    boolean summaryOnly;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--event-log", paramLabel = "DIR",
            description = "Write Spark's event log into DIR (a path or Hadoop URI), for Spark's History Server.")
    String eventLog;

    @Option(names = "--no-progress", description = "No progress bar: only the cell and generation lines.")
    boolean noProgress;

    @ParentCommand
    BitSweepCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if ((resume || summaryOnly) && out == null) {
            throw UsageError.of(spec, (resume ? "--resume" : "--summary-only") + " needs --out DIR (the sweep)");
        }
        if (resume && summaryOnly) {
            throw UsageError.of(spec, "--resume and --summary-only do not go together");
        }
        SweepConfig sweep = SweepConfig.load(config);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        String dir = out != null ? out : "runs/sweep-" + sweep.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (summaryOnly) {
            print(stdout, SweepJob.summarize(sweep, dir), dir);
            return CliErrors.EXIT_OK;
        }
        boolean verbose = root != null && root.verbose;
        TerminalLines bar = !noProgress && System.console() != null ? new TerminalLines(System.err) : null;
        SweepJob.Result result;
        try (TerminalLogRouting logs = TerminalLogRouting.forProgress(bar, verbose);
             SearchCommand.ProgressReporter progress = new SearchCommand.ProgressReporter(stdout, bar)) {
            result = SweepJob.run(sweep, new SweepJob.Options(dir, resume, master, verbose, eventLog, null),
                    new CellLines(stdout, stderr, progress));
        }
        print(stdout, result.summary(), dir);
        if (!result.failed().isEmpty()) {
            stderr.println("error: " + result.failed().size() + " of " + result.cells().size() + " cells failed (their "
                    + "errors are above and in " + dir + "/summary.csv); fix them and continue with --resume --out "
                    + dir);
            stderr.flush();
            return CliErrors.EXIT_FAILURE;
        }
        return CliErrors.EXIT_OK;
    }

    private static void print(PrintWriter stdout, SweepSummary summary, String dir) {
        stdout.print(summary.markdown());
        stdout.println("summary: " + dir + "/{summary.parquet,summary.csv,summary.md,summary.html}");
        stdout.flush();
    }

    /** One line as each cell starts and ends; the cell's own search prints its generation lines in between. */
    private record CellLines(PrintWriter out, PrintWriter err, SearchCommand.ProgressReporter progress)
            implements SweepJob.Listener {
        @Override
        public void cellStarting(int index, int cells, SweepCell cell, SweepJob.Outcome plan) {
            String what = switch (plan) {
                case ALREADY_DONE -> "already done";
                case RESUMED -> "resuming";
                default -> "running";
            };
            out.println("cell " + (index + 1) + "/" + cells + " " + cell.id() + ": " + what);
            out.flush();
        }

        @Override
        public SearchListener search(SweepCell cell) {
            return progress;
        }

        @Override
        public void cellFinished(SweepJob.CellResult result, double seconds) {
            if (result.outcome() == SweepJob.Outcome.FAILED) {
                err.println("sweep: cell " + result.cell().id() + " failed: " + result.error());
                err.flush();
            } else if (result.outcome() != SweepJob.Outcome.ALREADY_DONE) {
                out.println(String.format(Locale.ROOT, "cell %s: done in %.1f s -> %s", result.cell().id(), seconds,
                        result.location()));
                out.flush();
            }
        }
    }
}
