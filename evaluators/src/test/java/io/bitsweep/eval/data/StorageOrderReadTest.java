package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.assets.Assets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TinyDataset#forEachSample}, the storage-order read a search's shard loader uses: a shard directory hands over
 * exactly the asked-for samples, byte for byte as its source gives them, and opens each shard file that holds some of
 * them once (and no other file), whatever the order the samples are later scored in.
 */
class StorageOrderReadTest {
    @TempDir
    Path tmp;

    /** Opens of each file, by name: what a storage-order read must keep at one per file. */
    private record CountingStore(ShardStore store, Map<String, Integer> opens) implements ShardStore {
        @Override
        public String describe(String file) {
            return store.describe(file);
        }

        @Override
        public boolean exists(String file) throws IOException {
            return store.exists(file);
        }

        @Override
        public SeekableByteChannel open(String file) throws IOException {
            opens.merge(file, 1, Integer::sum);
            return store.open(file);
        }
    }

    private record Got(int sample, int label, byte[] raw) {}

    private static List<Got> read(TinyDataset data, int[] ids) {
        List<Got> got = new ArrayList<>();
        data.forEachSample(ids, (sample, label, raw) -> {
            byte[] b = new byte[raw.remaining()];
            raw.get(b);
            got.add(new Got(sample, label, b));
        });
        return got;
    }

    private static byte[] bytes(ByteBuffer raw) {
        byte[] b = new byte[raw.remaining()];
        raw.duplicate().get(b);
        return b;
    }

    @Test
    void aShardDirectoryHandsOverTheAskedSamplesReadingEachNeededFileOnce() {
        TinyDataset bins = Datasets.open(Assets.dir().resolve("data/ic01"));
        Path out = tmp.resolve("ic01-shards");
        ShardConverter.convert(bins, out, 16, false); // 13 files of 16 samples (the last one 8)
        Map<String, Integer> opens = new TreeMap<>();
        ShardSetDataset shards = ShardSetDataset.open(new CountingStore(new LocalShardStore(out), opens));
        opens.clear(); // the manifest, read on open
        // Every third sample of the first half and the last sample: files 0..6 and 12 hold some, 7..11 none.
        int[] ids = IntStream.concat(IntStream.iterate(0, i -> i < 100, i -> i + 3), IntStream.of(199)).toArray();

        List<Got> fromShards = read(shards, ids);
        List<Got> fromBins = read(bins, ids);

        assertEquals(ids.length, fromShards.size());
        for (int i = 0; i < ids.length; i++) {
            Got s = fromShards.get(i);
            assertEquals(ids[i], s.sample(), "samples come in the asked order");
            assertEquals(bins.label(ids[i]), s.label(), "label of sample " + ids[i]);
            assertArrayEquals(bytes(bins.raw(ids[i])), s.raw(), "raw bytes of sample " + ids[i]);
            assertEquals(fromBins.get(i).sample(), s.sample());
            assertArrayEquals(fromBins.get(i).raw(), s.raw(), "the .bin directory gives the same bytes");
        }
        Map<String, Integer> once = new TreeMap<>();
        for (int k : new int[] {0, 1, 2, 3, 4, 5, 6, 12}) {
            once.put(ShardFiles.name(k), 1);
        }
        assertEquals(once, opens, "each needed shard file opened once, no other");
    }

    @Test
    void idsMustAscend() {
        TinyDataset bins = Datasets.open(Assets.dir().resolve("data/ic01"));
        ShardConverter.convert(bins, tmp.resolve("s"), 64, false);
        TinyDataset shards = Datasets.open(tmp.resolve("s"));
        for (TinyDataset d : List.of(bins, shards)) {
            assertThrows(IllegalArgumentException.class, () -> read(d, new int[] {5, 3}));
            assertThrows(IllegalArgumentException.class, () -> read(d, new int[] {5, 5}));
            assertThrows(IndexOutOfBoundsException.class, () -> read(d, new int[] {200}));
        }
    }
}
