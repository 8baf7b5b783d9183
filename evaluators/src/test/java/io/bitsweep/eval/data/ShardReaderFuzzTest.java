package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.fuzz.ReaderProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets: the Arrow shard reader. {@link #shardFile} reads one shard file ({@link ShardFiles#read}); {@link
 * #shardDirectory} opens a shard directory ({@link ShardManifest}, {@link ShardSetDataset}) whose manifest and
 * shard come from the input. A data set that loads must be usable: every sample's id, label, raw bytes and first
 * and last model input.
 */
class ShardReaderFuzzTest {
    private static final String SHARD = "fuzz.arrow";
    private static final String STORE = "mem://fuzz/";

    /**
     * A shard directory in memory: {@code manifest.json} and, under every other name, the same shard bytes (so a
     * mutated manifest may list any number of shards).
     */
    private record MemoryStore(byte[] manifest, byte[] shard) implements ShardStore {
        @Override
        public String describe(String file) {
            return STORE + file;
        }

        @Override
        public boolean exists(String file) {
            return true;
        }

        @Override
        public SeekableByteChannel open(String file) {
            return new ByteArrayReadableSeekableByteChannel(file.equals(ShardManifest.NAME) ? manifest : shard);
        }
    }

    /** A directory input: the manifest's length (2 bytes, little-endian), the manifest, then the shard. */
    static byte[] directoryInput(byte[] manifest, byte[] shard) {
        return ByteBuffer.allocate(2 + manifest.length + shard.length).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) manifest.length).put(manifest).put(shard).array();
    }

    private static MemoryStore store(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
        int manifestLength = input.length < 2 ? 0 : Math.min(Short.toUnsignedInt(in.getShort()), in.remaining());
        byte[] manifest = new byte[manifestLength];
        in.get(manifest);
        byte[] shard = new byte[in.remaining()];
        in.get(shard);
        return new MemoryStore(manifest, shard);
    }

    /** Synthetic KWS and IC sets (the smallest samples) and the first samples of the real kws01, as directories. */
    private static List<Path> seedDirectories(Path tmp) {
        List<Path> dirs = new ArrayList<>();
        for (TinyLayout layout : new TinyLayout[] {TinyLayout.KWS, TinyLayout.IC}) {
            int n = layout == TinyLayout.KWS ? 3 : 1;
            byte[][] samples = new byte[n][layout.sampleBytes()];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < samples[i].length; j++) {
                    samples[i][j] = (byte) (i * 31 + j * 7);
                }
            }
            List<String> ids = IntStream.range(0, n).mapToObj(i -> "s" + i + ".bin").toList();
            int[] labels = IntStream.range(0, n).map(i -> i % layout.classes()).toArray();
            InMemoryDataset set = new InMemoryDataset(layout, ids, labels, samples, "");
            Path dir = tmp.resolve(layout.name());
            ShardConverter.convert(new InMemoryDataset(layout, ids, labels, samples, DataSha.of(set)), dir, n, false);
            dirs.add(dir);
        }
        TinyDataset kws = Datasets.open(Assets.dir().resolve("data").resolve("kws01"));
        byte[][] first = IntStream.range(0, 2).mapToObj(i -> {
            ByteBuffer raw = kws.raw(i);
            byte[] b = new byte[raw.remaining()];
            raw.get(b);
            return b;
        }).toArray(byte[][]::new);
        List<String> ids = List.of(kws.id(0), kws.id(1));
        int[] labels = {kws.label(0), kws.label(1)};
        InMemoryDataset set = new InMemoryDataset(TinyLayout.KWS, ids, labels, first, "");
        Path dir = tmp.resolve("kws01");
        ShardConverter.convert(new InMemoryDataset(TinyLayout.KWS, ids, labels, first, DataSha.of(set)), dir, 2, false);
        dirs.add(dir);
        return dirs;
    }

    /** Runs {@code seeds} on the seed directories in a temp directory that is deleted afterwards. */
    private static Stream<Arguments> fromSeedDirectories(boolean wholeDirectory) throws IOException {
        Path tmp = Files.createTempDirectory("shard-seeds");
        try {
            List<Arguments> seeds = new ArrayList<>();
            for (Path dir : seedDirectories(tmp)) {
                byte[] shard = Files.readAllBytes(dir.resolve(ShardFiles.name(0)));
                byte[] input = wholeDirectory
                        ? directoryInput(Files.readAllBytes(dir.resolve(ShardManifest.NAME)), shard) : shard;
                seeds.add(Arguments.of(Named.of(dir.getFileName().toString(), input)));
            }
            return seeds.stream();
        } finally {
            try (Stream<Path> walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static Stream<Arguments> shardSeeds() throws IOException {
        return fromSeedDirectories(false);
    }

    static Stream<Arguments> directorySeeds() throws IOException {
        return fromSeedDirectories(true);
    }

    @Timeout(10)
    @MethodSource("shardSeeds")
    @FuzzTest
    void shardFile(byte[] bytes) throws Exception {
        ReaderProperty.check(bytes.length,
                () -> use(ShardFiles.read(new ByteArrayReadableSeekableByteChannel(bytes), SHARD)), SHARD);
    }

    @Timeout(10)
    @MethodSource("directorySeeds")
    @FuzzTest
    void shardDirectory(byte[] input) throws Exception {
        ReaderProperty.check(input.length, () -> {
            ShardSetDataset set = ShardSetDataset.open(store(input));
            use(set);
            for (int k = 0; k < set.shardCount(); k++) {
                set.shard(k);
            }
        }, STORE);
    }

    private static void use(TinyDataset data) {
        float[] input = new float[data.inputSize()];
        for (int i = 0; i < data.size(); i++) {
            data.id(i);
            data.label(i);
            assertEquals(data.layout().sampleBytes(), data.raw(i).remaining(), "sample " + i);
            data.input(i, 0, input);
            data.input(i, data.inputsPerSample() - 1, input);
        }
    }
}
