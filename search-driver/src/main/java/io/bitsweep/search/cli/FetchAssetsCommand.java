package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.AssetFetcher;
import io.bitsweep.eval.assets.AssetManifest;
import io.bitsweep.eval.assets.Assets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bitsweep fetch-assets}: downloads the MLPerf Tiny models and data from their pinned upstream commits. */
@Command(name = "fetch-assets", mixinStandardHelpOptions = true,
        description = "Download the MLPerf Tiny reference models and labelled data from their pinned upstream commits "
                + "(mlcommons/tiny, eembc/energyrunner), verify each file's SHA-256 and write it atomically. Files "
                + "already present and verified are skipped, so the command can be re-run to resume or repair.")
public final class FetchAssetsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Assets directory to fill (default: $BITSWEEP_ASSETS, else ../shared/mlperf-tiny beside the "
                    + "checkout).")
    Path out;

    @Option(names = "--base-url", paramLabel = "URL", defaultValue = AssetFetcher.GITHUB_RAW,
            description = "Where files are fetched from, as BASE/<repo>/<commit>/<path> (default: ${DEFAULT-VALUE}).")
    String baseUrl;

    @Option(names = "--manifest", paramLabel = "FILE.tsv",
            description = "Asset list (default: the bundled conf/assets/mlperf-tiny.tsv).")
    Path manifest;

    @Option(names = "--only", paramLabel = "PREFIX", split = ",",
            description = "Fetch only files whose path starts with PREFIX, e.g. models/ic/,data/ic01/ (repeatable).")
    List<String> only;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "Concurrent downloads (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Override
    public Integer call() {
        AssetManifest m = manifest == null ? AssetManifest.bundled() : AssetManifest.read(manifest);
        List<AssetManifest.Entry> entries = m.select(only);
        Path dir = out != null ? out : Assets.configuredDir();
        List<AssetFetcher.Result> results = new AssetFetcher(baseUrl, dir).fetchAll(entries, parallel);
        Map<AssetFetcher.Outcome, Long> counts = results.stream()
                .collect(Collectors.groupingBy(AssetFetcher.Result::outcome, Collectors.counting()));
        PrintWriter err = spec.commandLine().getErr();
        List<AssetFetcher.Result> failed = results.stream()
                .filter(r -> r.outcome() == AssetFetcher.Outcome.FAILED).toList();
        failed.forEach(r -> err.println("failed: " + r.error()));
        err.flush();
        Function<AssetFetcher.Outcome, Long> count = o -> counts.getOrDefault(o, 0L);
        spec.commandLine().getOut().printf("%s: %d fetched, %d already present and verified, %d failed%n", dir,
                count.apply(AssetFetcher.Outcome.FETCHED), count.apply(AssetFetcher.Outcome.PRESENT), failed.size());
        if (!failed.isEmpty()) {
            throw new BitSweepException(failed.size() + " of " + entries.size() + " asset files failed (first: "
                    + failed.get(0).error() + ")");
        }
        return 0;
    }
}
