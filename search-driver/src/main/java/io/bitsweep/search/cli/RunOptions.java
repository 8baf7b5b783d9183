package io.bitsweep.search.cli;

import com.typesafe.config.ConfigUtil;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code bitsweep search} and {@code bitsweep profile} share: which config, where, on which master. */
final class RunOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Search config (HOCON), e.g. conf/search/ic-resnet8-mpic.conf.")
    Path config;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory: a path or a Hadoop FileSystem URI (default: runs/<config>-<time>).")
    String out;

    @Option(names = "--seed", paramLabel = "N", description = "Replaces bitsweep.search.seed.")
    Long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides a config key (path relative to bitsweep.search), e.g. --set population=32. Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--kernels", paramLabel = "auto|java|native", description = "Kernels of the bit-exact engine (sets bitsweep.search.engine.kernels; never changes a result): auto, the native AVX-512 VNNI kernel where it loads, else java; native is an error where it does not load.")
    String kernels;

    @Option(names = "--no-progress", description = "No progress bar: only the summary lines (one per generation, and "
            + "the front's at the end) and warnings are printed, as when stdout is not a terminal.")
    boolean noProgress;

    /** The progress bar's line: on a terminal unless --no-progress, else null. */
    TerminalLines bar() {
        return !noProgress && System.console() != null ? new TerminalLines(System.err) : null;
    }

    /**
     * The settings: the config file, then {@code extra}, the --set overrides and --kernels, then --seed; native
     * kernels where they do not load are an error here, before any work.
     */
    SearchSettings settings(List<String> extra) {
        List<String> overrides = new ArrayList<>(sets);
        overrides.addAll(extra);
        if (kernels != null) {
            overrides.add("engine.kernels=" + ConfigUtil.quoteString(kernels));
        }
        SearchSettings settings = SearchConfigLoader.load(config, overrides, seed);
        settings.engine().runsNative();
        return settings;
    }

    /** --out, or runs/<config name>-<time> for a new run; {@code resume} needs --out. */
    String out(boolean resume) {
        if (out != null) {
            return out;
        }
        if (resume) {
            throw new IllegalArgumentException("--resume needs --out DIR (the run to continue)");
        }
        String name = config.getFileName().toString().replaceFirst("\\.conf$", "");
        return "runs/" + name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
