package io.bitsweep.search.cli;

import com.typesafe.config.ConfigUtil;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.SearchListener;
import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bitsweep search}: a multi-objective quantization search on Spark, into a resumable run directory. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search per-channel mixed-precision / BFP assignments for the Pareto front of accuracy, "
                + "weight memory and cycles/energy (NSGA-II on Spark). Writes a resumable run directory.")
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(names = "--resume", description = "Continue the run in --out after its last complete generation "
            + "(or after `bitsweep profile`).")
    boolean resume;

    @Option(names = "--init-from", paramLabel = "RUN|FILE", description = "Warm start: a run directory (its front) or an assignment JSON whose genomes join generation 0; sets bitsweep.search.init-from. Repeatable.")
    List<String> initFrom = new ArrayList<>();

    @Option(names = "--event-log", paramLabel = "DIR",
            description = "Write Spark's event log into DIR (a path or Hadoop URI, created if missing), so that "
                    + "Spark's History Server shows the finished run: one job per generation, described "
                    + "'gen N: C candidates x S shards'. Needs runner = spark.")
    String eventLog;

    @ParentCommand
    BitSweepCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (resume && run.out == null) {
            throw UsageError.of(spec, "--resume needs --out DIR (the run to continue)");
        }
        List<String> extra = new ArrayList<>();
        if (!initFrom.isEmpty()) {
            extra.add("init-from=" + initFrom.stream().map(ConfigUtil::quoteString)
                    .collect(Collectors.joining(",", "[", "]")));
        }
        SearchSettings settings = run.settings(extra);
        if (eventLog != null && settings.runner() != SearchSettings.Runner.SPARK) {
            throw UsageError.of(spec, "--event-log needs the Spark runner; the config sets runner = "
                    + settings.runner().name().toLowerCase(Locale.ROOT));
        }
        String out = run.out(resume);
        PrintWriter stdout = spec.commandLine().getOut();
        boolean verbose = root != null && root.verbose;
        // The bar needs a terminal; log lines then go above it, else only summary lines (and warnings) are printed.
        TerminalLines bar = run.bar();
        try (TerminalLogRouting logs = TerminalLogRouting.forProgress(bar, verbose);
             ProgressReporter progress = new ProgressReporter(stdout, bar)) {
            SearchJob.Result r = SearchJob.run(settings, new SearchJob.Options(out, resume, run.master, verbose, null,
                    eventLog), progress);
            stdout.println("front: " + r.archive().size() + " points; " + r.store().location()
                    + "/{front.csv,front.png,report.html,best/}");
        }
        stdout.flush();
        return 0;
    }

    /**
     * A progress bar over the candidate x shard evaluations of the profile and of each generation, drawn on
     * {@code bar}'s line (none if null), and one summary line on {@code out} after each.
     */
    static final class ProgressReporter implements SearchListener, AutoCloseable {
        private final PrintWriter out;
        private final TerminalLines bar;
        private volatile ProgressBar current;

        ProgressReporter(PrintWriter out, TerminalLines bar) {
            this.out = out;
            this.bar = bar;
        }

        @Override
        public void resumed(int last) {
            out.println("resuming after generation " + last);
            out.flush();
        }

        @Override
        public void profileStarted(long evaluations) {
            start("profile", evaluations);
        }

        @Override
        public void profileFinished(String line) {
            close();
            out.println(line);
            out.flush();
        }

        @Override
        public void generationStarted(int generation, int generations, long evaluations) {
            start("gen " + generation + "/" + (generations - 1), evaluations);
        }

        private void start(String task, long evaluations) {
            if (bar != null && evaluations > 0) {
                current = new ProgressBarBuilder().setConsumer(bar.barConsumer()).setTaskName(task)
                        .setInitialMax(evaluations).setStyle(ProgressBarStyle.ASCII).setUnit(" eval", 1)
                        // "0.2 eval/s": the library's default pattern (#.#) drops the leading zero.
                        .showSpeed(new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT)))
                        .continuousUpdate().build();
            }
        }

        /** Racing stopped candidates: their remaining stages leave the bar's total. */
        @Override
        public void evaluationsCancelled(long cancelled) {
            ProgressBar pb = current;
            if (pb != null) {
                pb.maxHint(pb.getMax() - cancelled);
            }
        }

        @Override
        public void evaluationsDone(long done) {
            ProgressBar pb = current;
            if (pb != null) {
                pb.stepBy(done);
            }
        }

        @Override
        public void generationFinished(GenerationResult result) {
            close();
            out.println(result.summary().line());
            out.flush();
        }

        @Override
        public void close() {
            ProgressBar pb = current;
            current = null;
            if (pb != null) {
                pb.close();
            }
        }
    }
}
