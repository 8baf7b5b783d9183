package io.bitsweep.search.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.TinyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards read through Hadoop's FileSystem (file:// URIs here) give exactly what the local reader gives. */
class SearchDataTest {
    @TempDir
    static Path tmp;
    static TinyDataset source;
    static Path shards;

    @BeforeAll
    static void convert() {
        source = Datasets.open(Assets.dir().resolve("data/ic01"));
        shards = tmp.resolve("ic01-shards");
        ShardConverter.convert(source, shards, 64, false);
    }

    static void assertSameSamples(Dataset expected, Dataset actual, int offset) {
        float[] a = new float[expected.inputSize()];
        float[] b = new float[actual.inputSize()];
        for (int i = 0; i < actual.size(); i++) {
            assertEquals(expected.id(offset + i), actual.id(i));
            assertEquals(expected.label(offset + i), actual.label(i));
            expected.input(offset + i, 0, a);
            actual.input(i, 0, b);
            assertArrayEquals(a, b, "sample " + i);
        }
    }

    @Test
    void shardDirectoryOnAFileUri() {
        String uri = shards.toUri().toString();
        assertTrue(uri.startsWith("file:/"), uri);
        assertEquals(uri, SearchData.resolve(uri, "bitsweep.search.data"));
        TinyDataset viaHadoop = SearchData.open(uri);
        assertEquals(200, viaHadoop.size());
        assertEquals(source.sha256(), viaHadoop.sha256());
        assertSameSamples(source, viaHadoop, 0);
    }

    @Test
    void shardDirectoryOnAnotherHadoopScheme() {
        String uri = ForeignSchemeFileSystem.uri(shards);
        TinyDataset viaHadoop = SearchData.open(SearchData.resolve(uri, "bitsweep.search.data"));
        assertEquals(200, viaHadoop.size());
        assertEquals(source.sha256(), viaHadoop.sha256());
        assertSameSamples(source, viaHadoop, 0);
    }

    @Test
    void oneShardFileOnAFileUri() {
        TinyDataset third = SearchData.open(shards.resolve("shard-00002.arrow").toUri().toString());
        assertEquals(64, third.size());
        assertSameSamples(source, third, 128);
    }

    @Test
    void localPathsAndAssetsStillWork() {
        String resolved = SearchData.resolve("assets:data/ic01", "bitsweep.search.data");
        assertEquals(Assets.dir().resolve("data/ic01").toAbsolutePath().normalize().toString(), resolved);
        assertEquals(source.sha256(), SearchData.open(resolved).sha256());
    }

    @Test
    void badUrisAreClearErrors() throws Exception {
        BitSweepException missing = assertThrows(BitSweepException.class,
                () -> SearchData.resolve(tmp.resolve("nope").toUri().toString(), "bitsweep.search.data"));
        assertTrue(missing.getMessage().startsWith("bitsweep.search.data: no such file or directory: file:"),
                missing.getMessage());
        // a .bin directory is not read through Hadoop: it has to be converted to shards first
        String bins = Assets.dir().resolve("data/ic01").toUri().toString();
        BitSweepException notShards = assertThrows(BitSweepException.class, () -> SearchData.open(bins));
        assertTrue(notShards.getMessage().contains("has no manifest.json"), notShards.getMessage());
        Path corrupt = Files.write(tmp.resolve("corrupt.arrow"), new byte[] {1, 2, 3});
        BitSweepException bad = assertThrows(BitSweepException.class, () -> SearchData.open(corrupt.toUri().toString()));
        assertTrue(bad.getMessage().contains("corrupt.arrow: not a readable Arrow shard"), bad.getMessage());
    }
}
