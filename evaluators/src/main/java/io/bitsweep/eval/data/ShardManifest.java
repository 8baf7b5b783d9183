package io.bitsweep.eval.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code manifest.json} of a shard directory: what the set is (source format, task, sizes, input shape, how raw
 * bytes become model inputs), its identity (sha256 over all samples, the same value as for the source it came from)
 * and the shards in sample order. It is written last, so a directory with a manifest is complete. The
 * preprocessing is a record for readers: the task alone decides how samples are decoded (manifests written before
 * it was recorded have none).
 */
public record ShardManifest(String format, String source, String task, int samples, int sampleBytes,
                            int[] inputShape, int inputsPerSample, int classes, String sha256, List<Shard> shards,
                            String preprocessing) {
    public static final String NAME = "manifest.json";
    public static final String FORMAT = "bitsweep.shards/1";

    /** One shard file: its name, sample count and the SHA-256 of its samples alone (checked when it is read). */
    public record Shard(String file, int samples, String sha256) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TinyLayout layout() {
        return TinyLayout.valueOf(task);
    }

    public static ShardManifest read(Path dir) {
        return read(new LocalShardStore(dir));
    }

    /** Reads and checks the manifest of a shard directory in {@code store}. */
    public static ShardManifest read(ShardStore store) {
        String file = store.describe(NAME);
        ShardManifest m;
        try (InputStream in = Channels.newInputStream(store.open(NAME))) {
            m = JSON.readValue(in, ShardManifest.class);
        } catch (IOException e) {
            throw new BitSweepException(file + ": not a valid shard manifest: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!FORMAT.equals(m.format())) {
            throw new BitSweepException(file + ": format '" + m.format() + "' is not supported (allowed: " + FORMAT + ")");
        }
        try {
            TinyLayout.valueOf(String.valueOf(m.task()));
        } catch (IllegalArgumentException e) {
            throw new BitSweepException(file + ": unknown task '" + m.task() + "' (allowed: " + TinyLayout.names() + ")");
        }
        if (m.shards() == null || m.shards().stream().mapToInt(Shard::samples).sum() != m.samples()) {
            throw new BitSweepException(file + ": the shard sample counts do not add up to samples=" + m.samples());
        }
        return m;
    }

    public void write(Path dir) {
        AtomicFiles.write(dir.resolve(NAME), out -> out.write(JSON.writeValueAsBytes(this)));
    }
}
