package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Manifests that cannot be read as they are get a one-line error naming the manifest before any shard is opened. In
 * the shard lists below, SHA stands for a well-formed sha256.
 */
class ShardManifestBadInputTest {
    @TempDir
    Path dir;

    private String failure(int samples, String shards) throws Exception {
        Files.writeString(dir.resolve(ShardManifest.NAME), "{\"format\": \"" + ShardManifest.FORMAT + "\", \"task\": "
                + "\"KWS\", \"samples\": " + samples + ", \"sha256\": \"" + "0".repeat(64) + "\", \"shards\": "
                + shards.replace("SHA", "\"" + "0".repeat(64) + "\"") + "}");
        BitSweepException e = assertThrows(BitSweepException.class, () -> ShardSetDataset.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(ShardManifest.NAME) + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[null]",
        "[{\"samples\": 1, \"sha256\": SHA}]",
        "[{\"file\": \"../other/shard-00000.arrow\", \"samples\": 1, \"sha256\": SHA}]",
        "[{\"file\": \"a\\nb\", \"samples\": 1, \"sha256\": SHA}]",
        "[{\"file\": \"shard-00000.arrow\", \"samples\": 1}]",
        "[{\"file\": \"shard-00000.arrow\", \"samples\": 1, \"sha256\": \"line\\nbreak\"}]",
        "[{\"file\": \"a\", \"samples\": 2, \"sha256\": SHA}, {\"file\": \"b\", \"samples\": -1, \"sha256\": SHA}]"})
    void shardEntriesNeedAPlainFileNameACountAndASha(String shards) throws Exception {
        String message = failure(1, shards);
        assertTrue(message.contains(" is not a shard (allowed: {\"file\": a file name in the directory, "
                + "\"samples\": a count >= 0, \"sha256\": its samples' SHA-256, 64 hex digits})"), message);
    }

    @Test
    void countsThatOverflowAnIntDoNotAddUp() throws Exception {
        String message = failure(Integer.MIN_VALUE + 2, "[{\"file\": \"a\", \"samples\": " + Integer.MAX_VALUE
                + ", \"sha256\": SHA}, {\"file\": \"b\", \"samples\": 3, \"sha256\": SHA}]");
        assertTrue(message.endsWith("the shard sample counts do not add up to samples=" + (Integer.MIN_VALUE + 2)),
                message);
    }

    @Test
    void jsonNullAndTextWithLineBreaksGiveOneLineErrors() throws Exception {
        Path manifest = dir.resolve(ShardManifest.NAME);
        Files.writeString(manifest, "null");
        assertEquals(manifest + ": not a valid shard manifest: it is JSON null",
                assertThrows(BitSweepException.class, () -> ShardSetDataset.open(dir)).getMessage());
        Files.writeString(manifest, "{\"format\": \"bitsweep.shards/1\\nsecond line\"}");
        assertEquals(manifest + ": format 'bitsweep.shards/1\\nsecond line' is not supported (allowed: "
                + ShardManifest.FORMAT + ")", assertThrows(BitSweepException.class, () -> ShardSetDataset.open(dir))
                .getMessage());
        Files.writeString(manifest, "{\"format\": \"" + ShardManifest.FORMAT + "\", \"task\": \"K\\u2028WS\"}");
        assertEquals(manifest + ": unknown task 'K\\u2028WS' (allowed: IC, VWW, KWS, AD, FMNIST, IMAGES)",
                assertThrows(BitSweepException.class, () -> ShardSetDataset.open(dir)).getMessage());
    }

    @Test
    void theSetsShaMustBeASha() throws Exception {
        Path manifest = dir.resolve(ShardManifest.NAME);
        Files.writeString(manifest, "{\"format\": \"" + ShardManifest.FORMAT + "\", \"task\": \"KWS\", \"samples\": 0,"
                + " \"sha256\": \"not a sha\", \"shards\": []}");
        assertEquals(manifest + ": sha256 'not a sha' is not a SHA-256 (allowed: 64 hex digits)",
                assertThrows(BitSweepException.class, () -> ShardSetDataset.open(dir)).getMessage());
    }
}
