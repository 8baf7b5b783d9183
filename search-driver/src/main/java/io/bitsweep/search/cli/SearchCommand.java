package io.bitsweep.search.cli;

import com.typesafe.config.ConfigUtil;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.SearchListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bitsweep search}: a multi-objective quantization search on Spark, into a resumable run directory. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search per-channel mixed-precision / BFP assignments for the Pareto front of accuracy, "
                + "weight memory and cycles/energy (NSGA-II on Spark). Writes a resumable run directory.")
public final class SearchCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Search config (HOCON), e.g. conf/search/ic-resnet8-mpic.conf.")
    Path config;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory: a path or a Hadoop FileSystem URI (default: runs/<config>-<time>).")
    String out;

    @Option(names = "--resume", description = "Continue the run in --out after its last complete generation.")
    boolean resume;

    @Option(names = "--seed", paramLabel = "N", description = "Replaces bitsweep.search.seed.")
    Long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides a config key (path relative to bitsweep.search), e.g. --set population=32. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--init-from", paramLabel = "RUN|FILE", description = "Warm start: a run directory (its front) or an assignment JSON whose genomes join generation 0; sets bitsweep.search.init-from. Repeatable.")
    List<String> initFrom = new ArrayList<>();

    @Option(names = "--kernels", paramLabel = "auto|java|native", description = "Kernels of the bit-exact engine (sets bitsweep.search.engine.kernels; never changes a result): auto, the native AVX-512 VNNI kernel where it loads, else java; native is an error where it does not load.")
    String kernels;

    @Option(names = "--no-progress", description = "No progress bar (summary lines only).")
    boolean noProgress;

    @ParentCommand
    BitSweepCli root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> overrides = new ArrayList<>(sets);
        if (!initFrom.isEmpty()) {
            overrides.add("init-from=" + initFrom.stream().map(ConfigUtil::quoteString)
                    .collect(Collectors.joining(",", "[", "]")));
        }
        if (kernels != null) {
            overrides.add("engine.kernels=" + ConfigUtil.quoteString(kernels));
        }
        SearchSettings settings = SearchConfigLoader.load(config, overrides, seed);
        settings.engine().runsNative(); // native where it does not load: the error here, before any work
        if (out == null) {
            if (resume) {
                throw new IllegalArgumentException("--resume needs --out DIR (the run to continue)");
            }
            String name = config.getFileName().toString().replaceFirst("\\.conf$", "");
            out = "runs/" + name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        }
        PrintWriter stdout = spec.commandLine().getOut();
        boolean verbose = root != null && root.verbose;
        try (ProgressReporter progress = new ProgressReporter(stdout, !noProgress)) {
            SearchJob.Result r = SearchJob.run(settings, new SearchJob.Options(out, resume, master, verbose, null), progress);
            stdout.println("front: " + r.archive().size() + " points; " + r.store().location()
                    + "/{front.csv,front.png,report.html,best/}");
        }
        stdout.flush();
        return 0;
    }

    /** A progress bar over the candidate x shard evaluations of each generation, and one summary line after it. */
    static final class ProgressReporter implements SearchListener, AutoCloseable {
        private final PrintWriter out;
        private final boolean bar;
        private volatile ProgressBar current;

        ProgressReporter(PrintWriter out, boolean bar) {
            this.out = out;
            this.bar = bar;
        }

        @Override
        public void resumed(int last) {
            out.println("resuming after generation " + last);
            out.flush();
        }

        @Override
        public void generationStarted(int generation, int generations, long evaluations) {
            if (bar && evaluations > 0) {
                current = new ProgressBarBuilder().setTaskName("gen " + generation + "/" + (generations - 1))
                        .setInitialMax(evaluations).setStyle(ProgressBarStyle.ASCII).setUnit(" eval", 1)
                        .showSpeed().continuousUpdate().build();
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
