package io.bitsweep.eval.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.AtomicFiles;
import io.bitsweep.eval.InputText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code manifest.json} of a shard directory: what the set is (source format, task, sizes, input shape, how raw
 * bytes become model inputs), its identity (sha256 over all samples, the same value as for the source it came from)
 * and the shards in sample order. It is written last, so a directory with a manifest is complete. The
 * preprocessing is a record for readers: the task decides how samples are decoded (manifests written before it was
 * recorded have none), and for converted image folders (task IMAGES) so does {@code layout_spec}, which each shard
 * file also carries. Image folders also record their class names (class-folder layout; label i is the i-th name in
 * sorted order) and how many images were skipped as bad; both are null for other sources.
 */
public record ShardManifest(String format, String source, String task, int samples, int sampleBytes,
                            int[] inputShape, int inputsPerSample, int classes, String sha256, List<Shard> shards,
                            String preprocessing,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String layoutSpec,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<String> classNames,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Integer skipped) {
    public static final String NAME = "manifest.json";
    public static final String FORMAT = "bitsweep.shards/1";

    /** One shard file: its name, sample count and the SHA-256 of its samples alone (checked when it is read). */
    public record Shard(String file, int samples, String sha256) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The same fields with no layout spec, class names or skip count: the fixed tasks' manifest. */
    public ShardManifest(String format, String source, String task, int samples, int sampleBytes, int[] inputShape,
                         int inputsPerSample, int classes, String sha256, List<Shard> shards, String preprocessing) {
        this(format, source, task, samples, sampleBytes, inputShape, inputsPerSample, classes, sha256, shards,
                preprocessing, null, null, null);
    }

    public SampleLayout layout() {
        return SampleLayouts.of(task, layoutSpec, NAME);
    }

    public static ShardManifest read(Path dir) {
        return read(new LocalShardStore(dir));
    }

    /** Reads and checks the manifest of a shard directory in {@code store}. */
    public static ShardManifest read(ShardStore store) {
        String file = store.describe(NAME);
        ShardManifest m;
        try (InputStream in = Channels.newInputStream(StorageReadChannel.open(store, NAME))) {
            m = JSON.readValue(in, ShardManifest.class);
        } catch (IOException e) {
            var storage = StorageReadChannel.storageFailure(e);
            if (storage.isPresent()) {
                throw new BitSweepException("cannot read " + file + ": " + ShardFiles.oneLineMessage(storage.get()), e);
            }
            // Jackson's message quotes the bad bytes: escaped, as any input text in an error line
            throw new BitSweepException(file + ": not a valid shard manifest: "
                    + InputText.oneLine(e.getMessage().lines().findFirst().orElse("")), e);
        }
        if (m == null) {
            throw new BitSweepException(file + ": not a valid shard manifest: it is JSON null");
        }
        if (!FORMAT.equals(m.format())) {
            throw new BitSweepException(file + ": format " + quoted(m.format()) + " is not supported (allowed: " + FORMAT
                    + ")");
        }
        SampleLayouts.of(m.task(), m.layoutSpec(), file);
        if (!isSha256(m.sha256())) {
            throw new BitSweepException(file + ": sha256 " + quoted(m.sha256()) + " is not a SHA-256 (allowed: 64 hex"
                    + " digits)");
        }
        if (m.shards() == null) {
            throw new BitSweepException(file + ": shards is missing");
        }
        for (int k = 0; k < m.shards().size(); k++) {
            Shard s = m.shards().get(k);
            if (s == null || !isPlainFileName(s.file()) || s.samples() < 0 || !isSha256(s.sha256())) {
                throw new BitSweepException(file + ": shards[" + k + "] is not a shard (allowed: {\"file\": a file name"
                        + " in the directory, \"samples\": a count >= 0, \"sha256\": its samples' SHA-256, 64 hex"
                        + " digits})");
            }
        }
        // Summed as long: int counts that overflow must not add up to samples by wrapping around.
        if (m.shards().stream().mapToLong(Shard::samples).sum() != m.samples()) {
            throw new BitSweepException(file + ": the shard sample counts do not add up to samples=" + m.samples());
        }
        return m;
    }

    private static String quoted(String value) {
        return value == null ? "null" : InputText.quote(value);
    }

    private static boolean isSha256(String hex) {
        return hex != null && hex.length() == 64
                && hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
    }

    /** A name of a file in the shard directory itself: no path, no line break or other control character. */
    private static boolean isPlainFileName(String name) {
        return name != null && !name.isBlank() && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c)
                        || Character.getType(c) == Character.LINE_SEPARATOR
                        || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
    }

    public void write(Path dir) {
        AtomicFiles.write(dir.resolve(NAME), out -> out.write(JSON.writeValueAsBytes(this)));
    }
}
