package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The one way commands open {@code --data}: an MLPerf Tiny .bin directory, a shard directory, one shard file, or
 * Fashion-MNIST IDX files (an images file, or a directory holding one split).
 */
public final class Datasets {
    private Datasets() {}

    public static TinyDataset open(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(ShardFiles.EXTENSION)) {
            return ShardFiles.read(path);
        }
        if (Files.isRegularFile(path) && IdxFiles.isImagesFile(path)) {
            return IdxFiles.read(path);
        }
        if (!Files.exists(path)) {
            throw new BitSweepException("data directory " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new BitSweepException("data " + path + " is neither a directory, an Arrow shard (*"
                    + ShardFiles.EXTENSION + ") nor an IDX images file (<split>-images-idx3-ubyte[.gz])");
        }
        if (Files.isRegularFile(path.resolve(ShardManifest.NAME))) {
            return ShardSetDataset.open(path);
        }
        if (Files.isRegularFile(path.resolve(LabelsCsv.NAME))) {
            return MlperfTinyDir.read(path);
        }
        if (hasIdxImages(path)) {
            return IdxFiles.read(IdxFiles.imagesIn(path, null));
        }
        throw new BitSweepException(path + " is not a data set: it has neither " + LabelsCsv.NAME
                + " (an MLPerf Tiny .bin directory), " + ShardManifest.NAME + " (a shard directory from "
                + "'bitsweep data convert') nor IDX files (<split>-images-idx3-ubyte[.gz], Fashion-MNIST)");
    }

    private static boolean hasIdxImages(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.anyMatch(IdxFiles::isImagesFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One shard file as a data set, as a Spark executor reads its partition. */
    public static TinyDataset openShard(Path shardFile) {
        return ShardFiles.read(shardFile);
    }

    /** The first model input of each of the first {@code max} samples, e.g. to cycle through in a benchmark. */
    public static float[][] firstInputs(LabelledSamples data, int max) {
        int n = Math.min(max, data.size());
        float[][] xs = new float[n][data.inputSize()];
        for (int i = 0; i < n; i++) {
            data.input(i, 0, xs[i]);
        }
        return xs;
    }
}
