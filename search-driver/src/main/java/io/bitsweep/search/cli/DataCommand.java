package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.IdxFiles;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.TinyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bitsweep data ...}: data set tools. */
@Command(name = "data", description = "Data set tools (see docs/DATA.md).",
        mixinStandardHelpOptions = true, subcommands = {DataCommand.Convert.class})
public final class DataCommand {

    /** {@code bitsweep data convert --from mlperf-tiny|idx --in DIR --out SHARDS --shard-size N}. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert an MLPerf Tiny .bin directory (or a shard directory), or Fashion-MNIST IDX files, "
                    + "into Arrow IPC shards: OUT/manifest.json + OUT/shard-NNNNN.arrow. Samples keep their order, "
                    + "raw bytes and labels, so the shards give the same inputs and the same sha256 as the source; "
                    + "the manifest records the source format and the preprocessing.")
    public static final class Convert implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "FORMAT",
                description = "Source format (allowed: mlperf-tiny, idx).")
        String from;

        @Option(names = "--in", required = true, paramLabel = "DIR",
                description = "Source. mlperf-tiny: a directory of .bin files with y_labels.csv (or a shard "
                        + "directory). idx: a directory of IDX files (with --split if it holds several splits) or one "
                        + "<split>-images-idx3-ubyte[.gz] file, its labels file beside it.")
        Path in;

        @Option(names = "--split", paramLabel = "NAME",
                description = "idx: the split of a directory holding several, by its file prefix (e.g. train, t10k).")
        String split;

        @Option(names = "--out", required = true, paramLabel = "SHARDS", description = "Shard directory to write.")
        Path out;

        @Option(names = "--shard-size", required = true, paramLabel = "N", description = "Samples per shard.")
        int shardSize;

        @Option(names = "--force", description = "Replace OUT if it exists (only once the new shards are complete).")
        boolean force;

        @Override
        public Integer call() {
            TinyDataset src = switch (from) {
                case "mlperf-tiny" -> {
                    if (split != null) {
                        throw UsageError.of(spec, "--split applies to --from idx");
                    }
                    yield Datasets.open(in);
                }
                case "idx" -> {
                    if (!Files.exists(in)) {
                        throw new BitSweepException("--in " + in + " does not exist");
                    }
                    yield IdxFiles.read(Files.isDirectory(in) ? IdxFiles.imagesIn(in, split) : in);
                }
                default -> throw UsageError.of(spec, "--from '" + from + "' is not supported (allowed: mlperf-tiny, idx)");
            };
            ShardManifest m = ShardConverter.convert(src, out, shardSize, force);
            spec.commandLine().getOut().printf("wrote %d %s samples in %d shards to %s (sha256 %s)%n",
                    m.samples(), m.task(), m.shards().size(), out, m.sha256());
            return 0;
        }
    }
}
