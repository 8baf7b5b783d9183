package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Arrow IPC shards written from the real data: a shard set must give exactly what its source directory gives. */
class ShardsTest {
    @TempDir
    Path tmp;

    private static TinyDataset source(String name) {
        return Datasets.open(Assets.dir().resolve("data").resolve(name));
    }

    private static void assertSameSamples(Dataset expected, Dataset actual, int offset) {
        float[] a = new float[expected.inputSize()];
        float[] b = new float[actual.inputSize()];
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(expected.id(offset + i), actual.id(i));
            assertEquals(expected.label(offset + i), actual.label(i));
            for (int w = 0; w < expected.inputsPerSample(); w++) {
                expected.input(offset + i, w, a);
                actual.input(i, w, b);
                assertArrayEquals(a, b, "sample " + i + " window " + w);
            }
        }
    }

    @Test
    void icShardSetGivesTheSameInputsLabelsAndSha() {
        TinyDataset dir = source("ic01");
        Path out = tmp.resolve("ic01-shards");
        ShardManifest m = ShardConverter.convert(dir, out, 64, false);
        assertEquals(List.of(64, 64, 64, 8), m.shards().stream().map(ShardManifest.Shard::samples).toList());
        assertEquals("shard-00003.arrow", m.shards().get(3).file());

        TinyDataset shards = Datasets.open(out);
        assertInstanceOf(ShardSetDataset.class, shards);
        assertEquals(TaskKind.IC, shards.kind());
        assertEquals(200, shards.size());
        assertEquals(dir.sha256(), shards.sha256());
        assertEquals(dir.sha256(), DataSha.of(shards)); // recomputed from the shards' bytes, not the manifest
        assertArrayEquals(dir.inputShape(), m.inputShape());
        assertSameSamples(dir, shards, 0);

        // one shard alone, as a Spark executor opens it
        TinyDataset third = Datasets.openShard(out.resolve("shard-00002.arrow"));
        assertEquals(64, third.size());
        assertEquals(m.shards().get(2).sha256(), third.sha256());
        assertSameSamples(dir, third, 128);
    }

    @Test
    void adShardsKeepAllWindows() {
        TinyDataset dir = source("ad01");
        ShardConverter.convert(dir, tmp.resolve("ad"), 100, false);
        TinyDataset shards = Datasets.open(tmp.resolve("ad"));
        assertEquals(TaskKind.AD, shards.kind());
        assertEquals(dir.sha256(), shards.sha256());
        assertSameSamples(dir, shards, 0);
    }

    @Test
    void existingOutputIsKeptUnlessReplaced() throws IOException {
        TinyDataset dir = source("kws01");
        Path out = tmp.resolve("kws");
        ShardConverter.convert(dir, out, 1000, false);
        BitSweepException e = assertThrows(BitSweepException.class, () -> ShardConverter.convert(dir, out, 300, false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(1, ShardSetDataset.open(out).shardCount());

        ShardConverter.convert(dir, out, 300, true);
        assertEquals(4, ShardSetDataset.open(out).shardCount());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(out), siblings.toList(), "no temp or old directories are left behind");
        }
    }

    @Test
    void corruptShardIsRejected() throws IOException {
        Path out = tmp.resolve("vww");
        ShardConverter.convert(source("vww01"), out, 500, false);
        Path shard = out.resolve("shard-00001.arrow");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 0x01; // inside the sample data
        Files.write(shard, bytes);
        TinyDataset set = Datasets.open(out);
        BitSweepException e = assertThrows(BitSweepException.class, () -> set.label(999));
        assertTrue(e.getMessage().contains("shard-00001.arrow") && e.getMessage().contains("corrupt"), e.getMessage());

        Files.write(shard, new byte[] {1, 2, 3});
        e = assertThrows(BitSweepException.class, () -> Datasets.openShard(shard));
        assertTrue(e.getMessage().contains("not a readable Arrow shard"), e.getMessage());
    }

    @Test
    void missingShardFileIsNamed() throws IOException {
        Path out = tmp.resolve("ic");
        ShardConverter.convert(source("ic01"), out, 100, false);
        Files.delete(out.resolve("shard-00001.arrow"));
        BitSweepException e = assertThrows(BitSweepException.class, () -> Datasets.open(out));
        assertTrue(e.getMessage().contains("shard-00001.arrow") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
