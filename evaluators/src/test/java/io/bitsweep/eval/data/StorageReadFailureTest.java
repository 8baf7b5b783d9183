package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the storage cannot deliver (an HDFS block with no live replica, a failing disk) is reported as "cannot read
 * FILE: why", not as a corrupt file: the user must look at the storage, not regenerate the data.
 */
class StorageReadFailureTest {
    @TempDir
    Path tmp;

    /** A shard directory of 300 KWS samples: two record batches, so a read can fail between them. */
    private Path shards() {
        int n = 300;
        byte[][] samples = new byte[n][TinyLayout.KWS.sampleBytes()];
        for (int i = 0; i < n; i++) {
            samples[i][0] = (byte) i;
        }
        List<String> ids = IntStream.range(0, n).mapToObj(i -> "s" + i + ".bin").toList();
        Path out = tmp.resolve("shards");
        ShardConverter.convert(new InMemoryDataset(TinyLayout.KWS, ids, new int[n], samples, ""), out, n, false);
        return out;
    }

    /** Serves the directory's files, failing every read past byte {@code failAfter} of any file. */
    private record FailingStore(LocalShardStore local, long failAfter) implements ShardStore {
        @Override
        public String describe(String file) {
            return local.describe(file);
        }

        @Override
        public boolean exists(String file) {
            return local.exists(file);
        }

        @Override
        public SeekableByteChannel open(String file) throws IOException {
            return new ByteArrayReadableSeekableByteChannel(Files.readAllBytes(local.dir().resolve(file))) {
                @Override
                public int read(ByteBuffer dst) throws IOException {
                    if (position() + dst.remaining() > failAfter) {
                        throw new IOException("Could not obtain block: blk_1 (no live nodes)");
                    }
                    return super.read(dst);
                }
            };
        }
    }

    @Test
    void aShardWhoseReadFailsMidwayIsAStorageErrorNamingTheFile() throws IOException {
        Path dir = shards();
        String shard = ShardFiles.name(0);
        long size = Files.size(dir.resolve(shard));
        ShardStore store = new FailingStore(new LocalShardStore(dir), size / 2);
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> ShardFiles.read(store.open(shard), store.describe(shard)));
        assertEquals("cannot read " + dir.resolve(shard) + ": Could not obtain block: blk_1 (no live nodes)",
                e.getMessage());
    }

    @Test
    void aManifestTheStorageCannotDeliverIsAStorageError() {
        Path dir = shards();
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> ShardManifest.read(new FailingStore(new LocalShardStore(dir), 0)));
        assertEquals("cannot read " + dir.resolve(ShardManifest.NAME) + ": Could not obtain block: blk_1 (no live nodes)",
                e.getMessage());
    }

    @Test
    void aManifestThatCannotBeOpenedIsAStorageError() throws IOException {
        Path dir = shards();
        Files.delete(dir.resolve(ShardManifest.NAME));
        BitSweepException e = assertThrows(BitSweepException.class, () -> ShardManifest.read(dir));
        assertTrue(e.getMessage().startsWith("cannot read " + dir.resolve(ShardManifest.NAME) + ": "), e.getMessage());
    }

    /** The same shard truncated in the middle is the file's fault: it stays a format error. */
    @Test
    void aTruncatedShardIsStillAFormatError() throws IOException {
        Path dir = shards();
        byte[] whole = Files.readAllBytes(dir.resolve(ShardFiles.name(0)));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> ShardFiles.read(new ByteArrayReadableSeekableByteChannel(half), "half.arrow"));
        assertTrue(e.getMessage().startsWith("half.arrow: not a readable Arrow shard ("), e.getMessage());
    }
}
