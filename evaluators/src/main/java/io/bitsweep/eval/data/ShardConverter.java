package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes a data set as a shard directory, atomically ({@link ShardDirectory}). */
public final class ShardConverter {
    private ShardConverter() {}

    public static ShardManifest convert(TinyDataset src, Path out, int shardSize, boolean replace) {
        checkShardSize(shardSize);
        try (ShardDirectory dir = ShardDirectory.begin(out, replace)) {
            List<ShardManifest.Shard> shards = new ArrayList<>();
            for (int from = 0, k = 0; from < src.size(); from += shardSize, k++) {
                int to = Math.min(src.size(), from + shardSize);
                String name = ShardFiles.name(k);
                shards.add(new ShardManifest.Shard(name, to - from,
                        ShardFiles.write(dir.tmp().resolve(name), src, from, to)));
            }
            SampleLayout layout = src.layout();
            // A layout its task alone does not describe (converted images) is read back from its spec.
            String spec = layout.spec().equals(layout.task()) ? null : layout.spec();
            ShardManifest manifest = new ShardManifest(ShardManifest.FORMAT, layout.source(), layout.task(),
                    src.size(), layout.sampleBytes(), layout.inputShape(), layout.inputsPerSample(), layout.classes(),
                    src.sha256(), List.copyOf(shards), layout.preprocessing(), spec, null, null);
            manifest.write(dir.tmp());
            dir.install();
            return manifest;
        }
    }

    /** The one check of {@code --shard-size}. */
    public static void checkShardSize(int shardSize) {
        if (shardSize < 1) {
            throw new BitSweepException("--shard-size must be at least 1, got " + shardSize);
        }
    }
}
