package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.fuzz.ReaderProperty;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards whose footer is corrupt in ways too structured for the fuzzer to reach, built from a valid shard. */
class ShardFilesBadInputTest {
    /** Arrow's file trailer: the footer's length (int32) and the magic "ARROW1". */
    private static final int TRAILER = 4 + 6;

    @TempDir
    Path tmp;

    /** A valid shard of one full record batch of KWS samples. */
    private byte[] shard() throws Exception {
        int n = ShardFiles.BATCH_ROWS;
        byte[][] samples = new byte[n][TinyLayout.KWS.sampleBytes()];
        for (int i = 0; i < n; i++) {
            samples[i][0] = (byte) i;
        }
        List<String> ids = IntStream.range(0, n).mapToObj(i -> "s" + i + ".bin").toList();
        Path file = tmp.resolve("shard.arrow");
        ShardFiles.write(file, new InMemoryDataset(TinyLayout.KWS, ids, new int[n], samples, ""), 0, n);
        return Files.readAllBytes(file);
    }

    /** The shard with its footer replaced by one listing its one record batch {@code times} times. */
    private static byte[] withRepeatedBatch(byte[] shard, int times) {
        ByteBuffer bytes = ByteBuffer.wrap(shard).order(ByteOrder.LITTLE_ENDIAN);
        int footerLength = bytes.getInt(shard.length - TRAILER);
        int footerStart = shard.length - TRAILER - footerLength;
        ByteBuffer footerBytes = ByteBuffer.wrap(shard, footerStart, footerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
        ArrowFooter footer = new ArrowFooter(Footer.getRootAsFooter(footerBytes));
        ArrowFooter repeated = new ArrowFooter(footer.getSchema(), footer.getDictionaries(),
                Collections.nCopies(times, footer.getRecordBatches().get(0)));
        FlatBufferBuilder fb = new FlatBufferBuilder();
        fb.finish(repeated.writeTo(fb));
        byte[] newFooter = fb.sizedByteArray();
        return ByteBuffer.allocate(footerStart + newFooter.length + TRAILER).order(ByteOrder.LITTLE_ENDIAN)
                .put(shard, 0, footerStart).put(newFooter).putInt(newFooter.length)
                .put("ARROW1".getBytes(StandardCharsets.US_ASCII)).array();
    }

    /**
     * A footer may point several blocks at the same record batch. Read as listed, 150 kB would give 2,000 copies of
     * its 256 samples (250 MB) before the content check fails; the reader refuses the overlap first.
     */
    @Test
    void recordBatchesThatOverlapAreRejectedBeforeTheyAreRead() throws Exception {
        byte[] corrupt = withRepeatedBatch(shard(), 2000);
        ReaderProperty.check(corrupt.length,
                () -> ShardFiles.read(new ByteArrayReadableSeekableByteChannel(corrupt), "dup.arrow"), "dup.arrow");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> ShardFiles.read(new ByteArrayReadableSeekableByteChannel(corrupt), "dup.arrow"));
        assertTrue(e.getMessage().startsWith("dup.arrow: not a readable Arrow shard (record batch 1 at byte "),
                e.getMessage());
    }
}
