package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.IdxFiles;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.eval.data.images.ImageFolder;
import io.bitsweep.eval.data.images.ImageFolderConversion;
import io.bitsweep.eval.data.images.ImagePreprocessing;
import io.bitsweep.search.spark.ImageFolderIngest;
import io.bitsweep.search.spark.IngestKryoRegistrator;
import io.bitsweep.search.spark.SparkSessions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bitsweep data ...}: data set tools. */
@Command(name = "data", description = "Data set tools (see docs/DATA.md).",
        mixinStandardHelpOptions = true, subcommands = {DataCommand.Convert.class})
public final class DataCommand {

    /** {@code bitsweep data convert --from mlperf-tiny|idx|image-folder --in DIR --out SHARDS --shard-size N}. */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert an MLPerf Tiny .bin directory (or a shard directory), Fashion-MNIST IDX files, or "
                    + "a folder of pictures into Arrow IPC shards: OUT/manifest.json + OUT/shard-NNNNN.arrow. Samples "
                    + "keep their order, raw bytes and labels, so the shards give the same inputs and the same sha256 "
                    + "as the source; the manifest records the source format and the preprocessing. Pictures "
                    + "(--from image-folder) are decoded, resized and cropped on the Spark executors, one task per "
                    + "shard, and stored as u8 RGB; the scaling to model inputs (--divisor, --mean, --std) is applied "
                    + "on read. See docs/DATA.md.")
    public static final class Convert implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "FORMAT",
                description = "Source format (allowed: mlperf-tiny, idx, image-folder).")
        String from;

        @Option(names = "--in", required = true, paramLabel = "DIR",
                description = "Source. mlperf-tiny: a directory of .bin files with y_labels.csv (or a shard "
                        + "directory). idx: a directory of IDX files (with --split if it holds several splits) or one "
                        + "<split>-images-idx3-ubyte[.gz] file, its labels file beside it. image-folder: DIR/<class name>/xxx.jpg, "
                        + "or (with --labels) a flat folder of pictures.")
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

        @Mixin
        ImageFolderOptions images = new ImageFolderOptions();

        @Option(names = "--master", paramLabel = "URL",
                description = "image-folder: the Spark master that runs the conversion (default: spark-submit's, else "
                        + "local[*]).")
        String master;

        @Override
        public Integer call() {
            if (from.equals("image-folder")) {
                return convertImages();
            }
            List<String> imageOptions = new ArrayList<>(images.given());
            if (master != null) {
                imageOptions.add("--master");
            }
            if (!imageOptions.isEmpty()) {
                throw UsageError.of(spec, String.join(", ", imageOptions) + (imageOptions.size() == 1 ? " applies"
                        : " apply") + " to --from image-folder");
            }
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
                default -> throw UsageError.of(spec, "--from '" + from + "' is not supported (allowed: mlperf-tiny, idx, "
                        + "image-folder)");
            };
            ShardManifest m = ShardConverter.convert(src, out, shardSize, force);
            printWrote(m);
            return 0;
        }

        private void printWrote(ShardManifest m) {
            spec.commandLine().getOut().printf("wrote %d %s samples in %d shards to %s (sha256 %s)%n",
                    m.samples(), m.task(), m.shards().size(), out, m.sha256());
        }

        private int convertImages() {
            if (split != null) {
                throw UsageError.of(spec, "--split applies to --from idx");
            }
            if (images.classes != 0 && images.labels == null) {
                throw UsageError.of(spec, "--classes applies to the flat layout (--labels); class folders give the "
                        + "classes");
            }
            if (images.classes < 0) {
                throw UsageError.of(spec, "--classes " + images.classes + " must be at least 1");
            }
            ImagePreprocessing preprocessing = images.preprocessing(spec);
            ImageFolder folder = ImageFolder.scan(in, images.labels, images.classes);
            boolean verbose = spec.root().userObject() instanceof BitSweepCli root && root.verbose;
            ImageFolderConversion.Result r;
            // Spark's own log lines stay off the console unless --verbose, as in a search
            try (TerminalLogRouting logs = verbose ? null : TerminalLogRouting.summaryOnly();
                 ImageFolderConversion conversion = new ImageFolderConversion(folder, preprocessing, out, shardSize,
                         images.badImages(spec), force)) {
                SparkSession session = SparkSessions.create(master,
                        List.of(IngestKryoRegistrator.class.getName()), verbose);
                try {
                    r = ImageFolderIngest.run(session, conversion);
                } finally {
                    session.stop();
                }
            }
            PrintWriter err = spec.commandLine().getErr();
            r.skipped().forEach(line -> err.println("skipped: " + line));
            if (r.unlabelled() > 0) {
                err.println("note: " + r.unlabelled() + " pictures in " + in + " have no line in " + images.labels
                        + " and were not converted");
            }
            printWrote(r.manifest());
            if (!r.skipped().isEmpty()) {
                spec.commandLine().getOut().printf("skipped %d bad pictures (listed on stderr)%n", r.skipped().size());
            }
            return 0;
        }
    }
}
