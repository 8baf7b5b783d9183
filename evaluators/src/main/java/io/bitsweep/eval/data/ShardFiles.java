package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One shard: an Arrow IPC file (random-access "file" format) with the columns {@code id} (utf8), {@code label}
 * (int32) and {@code data} (binary: the sample's raw bytes, exactly as in its .bin file), in record batches of at
 * most {@link #BATCH_ROWS} rows. The schema metadata makes a shard self-describing: {@code bitsweep.format},
 * {@code bitsweep.task} and {@code bitsweep.sha256} (of this shard's samples, checked on read). Preprocessing is
 * applied on read, as for a .bin directory. The reading code works on any {@link SeekableByteChannel}, so a
 * distributed file system layer only has to supply a channel.
 */
public final class ShardFiles {
    public static final String EXTENSION = ".arrow";
    public static final String FORMAT = "bitsweep.shard/1";
    static final int BATCH_ROWS = 256;
    private static final String META_FORMAT = "bitsweep.format";
    private static final String META_TASK = "bitsweep.task";
    private static final String META_SHA = "bitsweep.sha256";

    private ShardFiles() {}

    /** The file name of shard {@code index}: shard-00000.arrow, ... */
    public static String name(int index) {
        return String.format("shard-%05d%s", index, EXTENSION);
    }

    /** Writes samples [from, to) of {@code src} to {@code file} atomically; returns the SHA-256 of those samples. */
    public static String write(Path file, TinyDataset src, int from, int to) {
        DataSha sha = new DataSha();
        for (int i = from; i < to; i++) {
            sha.add(src.raw(i), src.label(i));
        }
        String shardSha = sha.hex();
        Schema schema = new Schema(List.of(
                Field.notNullable("id", ArrowType.Utf8.INSTANCE),
                Field.notNullable("label", new ArrowType.Int(32, true)),
                new Field("data", FieldType.notNullable(ArrowType.Binary.INSTANCE), null)),
                Map.of(META_FORMAT, FORMAT, META_TASK, src.layout().name(), META_SHA, shardSha));
        AtomicFiles.write(file, out -> {
            try (BufferAllocator alloc = new RootAllocator();
                 VectorSchemaRoot root = VectorSchemaRoot.create(schema, alloc);
                 WritableByteChannel channel = Channels.newChannel(out);
                 ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
                writer.start();
                VarCharVector ids = (VarCharVector) root.getVector("id");
                IntVector labels = (IntVector) root.getVector("label");
                VarBinaryVector data = (VarBinaryVector) root.getVector("data");
                for (int start = from; start < to; start += BATCH_ROWS) {
                    int rows = Math.min(BATCH_ROWS, to - start);
                    root.allocateNew();
                    for (int r = 0; r < rows; r++) {
                        int i = start + r;
                        ids.setSafe(r, src.id(i).getBytes(StandardCharsets.UTF_8));
                        labels.setSafe(r, src.label(i));
                        ByteBuffer raw = src.raw(i);
                        data.setSafe(r, raw, raw.position(), raw.remaining());
                    }
                    root.setRowCount(rows);
                    writer.writeBatch();
                }
                writer.end();
            }
        });
        return shardSha;
    }

    /** Reads a whole shard file into memory. */
    public static TinyDataset read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file.toString());
        } catch (NoSuchFileException e) {
            throw new BitSweepException("shard " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a whole shard from a channel; {@code name} names it in errors. */
    public static TinyDataset read(SeekableByteChannel channel, String name) {
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> samples = new ArrayList<>();
        Map<String, String> meta;
        try (BufferAllocator alloc = new RootAllocator();
             ArrowFileReader reader = new ArrowFileReader(channel, alloc)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            meta = root.getSchema().getCustomMetadata();
            if (meta == null || !FORMAT.equals(meta.get(META_FORMAT))) {
                throw new BitSweepException(name + ": not a BitSweep shard (schema metadata " + META_FORMAT + " is "
                        + (meta == null ? null : meta.get(META_FORMAT)) + ", expected " + FORMAT + ")");
            }
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                VarCharVector idv = (VarCharVector) root.getVector("id");
                IntVector lv = (IntVector) root.getVector("label");
                VarBinaryVector dv = (VarBinaryVector) root.getVector("data");
                for (int r = 0; r < root.getRowCount(); r++) {
                    ids.add(new String(idv.get(r), StandardCharsets.UTF_8));
                    labels.add(lv.get(r));
                    samples.add(dv.get(r));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BitSweepException b) {
                throw b;
            }
            throw new BitSweepException(name + ": not a readable Arrow shard (" + e.getMessage() + ")", e);
        }
        TinyLayout layout = layoutOf(meta.get(META_TASK), name);
        DataSha sha = new DataSha();
        int[] labelArray = new int[labels.size()];
        for (int i = 0; i < samples.size(); i++) {
            TinyDataset.checkSampleBytes(layout, samples.get(i).length, name + " row " + i + " (" + ids.get(i) + ")");
            labelArray[i] = labels.get(i);
            sha.add(ByteBuffer.wrap(samples.get(i)), labelArray[i]);
        }
        String actual = sha.hex();
        if (!actual.equals(meta.get(META_SHA))) {
            throw new BitSweepException(name + ": content sha256 " + actual + " does not match the recorded "
                    + meta.get(META_SHA) + " (corrupt shard)");
        }
        return new InMemoryDataset(layout, ids, labelArray, samples.toArray(byte[][]::new), actual);
    }

    private static TinyLayout layoutOf(String task, String name) {
        try {
            return TinyLayout.valueOf(String.valueOf(task));
        } catch (IllegalArgumentException e) {
            throw new BitSweepException(name + ": unknown task '" + task + "' (allowed: " + TinyLayout.names() + ")");
        }
    }
}
