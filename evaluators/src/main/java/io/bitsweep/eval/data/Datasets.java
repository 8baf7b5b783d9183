package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one way commands open {@code --data}: an MLPerf Tiny .bin directory, a shard directory or one shard file. */
public final class Datasets {
    private Datasets() {}

    public static TinyDataset open(Path path) {
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(ShardFiles.EXTENSION)) {
            return ShardFiles.read(path);
        }
        if (!Files.exists(path)) {
            throw new BitSweepException("data directory " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new BitSweepException("data " + path + " is neither a directory nor an Arrow shard (*"
                    + ShardFiles.EXTENSION + ")");
        }
        if (Files.isRegularFile(path.resolve(ShardManifest.NAME))) {
            return ShardSetDataset.open(path);
        }
        if (Files.isRegularFile(path.resolve(LabelsCsv.NAME))) {
            return MlperfTinyDir.read(path);
        }
        throw new BitSweepException(path + " is not a data set: it has neither " + LabelsCsv.NAME
                + " (an MLPerf Tiny .bin directory) nor " + ShardManifest.NAME + " (a shard directory from "
                + "'bitsweep data convert')");
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
