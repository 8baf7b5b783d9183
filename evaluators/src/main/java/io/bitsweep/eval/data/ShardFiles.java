package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.AtomicFiles;
import io.bitsweep.eval.InputText;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
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
    /** The layout spec of sets whose task alone does not say how to read them (converted image folders). */
    private static final String META_LAYOUT = "bitsweep.layout";

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
                metadata(src.layout(), shardSha));
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

    static String oneLineMessage(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : InputText.oneLine(e.getMessage());
    }

    private static Map<String, String> metadata(SampleLayout layout, String shardSha) {
        Map<String, String> meta = new HashMap<>(Map.of(META_FORMAT, FORMAT, META_TASK, layout.task(), META_SHA,
                shardSha));
        if (!layout.spec().equals(layout.task())) {
            meta.put(META_LAYOUT, layout.spec());
        }
        return meta;
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
    public static TinyDataset read(SeekableByteChannel source, String name) {
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> samples = new ArrayList<>();
        Scanned scanned = scan(source, name, (row, id, label, data) -> {
            ids.add(id);
            labels.add(label);
            byte[] b = new byte[data.remaining()];
            data.get(b);
            samples.add(b);
        });
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return new InMemoryDataset(scanned.layout(), ids, labelArray, samples.toArray(byte[][]::new),
                scanned.sha256());
    }

    /** One row of a shard as {@link #scan} hands it over. */
    @FunctionalInterface
    public interface RowSink {
        /**
         * @param row  the row's index in the file
         * @param data the sample's raw bytes, positioned at 0; valid during this call only (it views the record
         *             batch being read), so a sink that keeps a sample copies it
         */
        void accept(int row, String id, int label, ByteBuffer data);
    }

    /** What a {@link #scan} found: the shard's layout, its row count and its (checked) content SHA-256. */
    public record Scanned(SampleLayout layout, int rows, String sha256) {}

    /**
     * Reads a shard from a channel one record batch at a time (at most {@link #BATCH_ROWS} rows in memory), handing
     * every row to {@code sink} in file order, and checks the content's SHA-256 against the recorded one once the
     * last row is read: a caller keeps what the sink gathered only if this returns. {@code name} names the shard in
     * errors.
     */
    public static Scanned scan(SeekableByteChannel source, String name, RowSink sink) {
        SeekableByteChannel channel = new StorageReadChannel(source);
        DataSha sha = new DataSha();
        int rows = 0;
        Map<String, String> meta;
        SampleLayout layout;
        try (BufferAllocator alloc = new RootAllocator(allocationLimit(channel.size()));
             ArrowFileReader reader = new ArrowFileReader(channel, alloc)) {
            VectorSchemaRoot root = schemaRoot(reader, name);
            meta = root.getSchema().getCustomMetadata();
            if (meta == null || !FORMAT.equals(meta.get(META_FORMAT))) {
                String format = meta == null ? null : meta.get(META_FORMAT);
                throw new BitSweepException(name + ": not a BitSweep shard (schema metadata " + META_FORMAT + " is "
                        + (format == null ? null : InputText.quote(format)) + ", expected " + FORMAT + ")");
            }
            layout = SampleLayouts.of(meta.get(META_TASK), meta.get(META_LAYOUT), name);
            List<ArrowBlock> blocks = reader.getRecordBlocks();
            checkBlocks(blocks, channel.size(), name);
            SeekableReadChannel in = new SeekableReadChannel(channel);
            VectorLoader loader = new VectorLoader(root);
            for (ArrowBlock block : blocks) {
                loadBatch(in, block, alloc, loader, name);
                VarCharVector idv = (VarCharVector) root.getVector("id");
                IntVector lv = (IntVector) root.getVector("label");
                VarBinaryVector dv = (VarBinaryVector) root.getVector("data");
                for (int r = 0; r < root.getRowCount(); r++, rows++) {
                    if (idv.isNull(r) || lv.isNull(r) || dv.isNull(r)) {
                        throw new BitSweepException(name + ": row " + rows + " has a null id, label or data"
                                + " (a shard's columns are not nullable)");
                    }
                    checkedLength(idv, r, name);
                    String id = new String(idv.get(r), StandardCharsets.UTF_8);
                    int length = checkedLength(dv, r, name);
                    TinyDataset.checkSampleBytes(layout, length,
                            name + " row " + rows + " (" + InputText.quote(id) + ")");
                    // A view of the batch's data buffer: hashing and handing over need no copy of the row.
                    ByteBuffer data = dv.getDataBuffer().nioBuffer(dv.getStartOffset(r), length).asReadOnlyBuffer();
                    int label = lv.get(r);
                    sha.add(data, label);
                    sink.accept(rows, id, label, data);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BitSweepException b) {
                throw b;
            }
            var storage = StorageReadChannel.storageFailure(e);
            if (storage.isPresent()) {
                throw new BitSweepException("cannot read " + name + ": " + oneLineMessage(storage.get()), e);
            }
            // Arrow's messages may repeat the file's bytes (field names, metadata), line breaks included.
            throw new BitSweepException(name + ": not a readable Arrow shard (" + oneLineMessage(e) + ")", e);
        }
        String actual = sha.hex();
        if (!actual.equals(meta.get(META_SHA))) {
            String recorded = meta.get(META_SHA);
            throw new BitSweepException(name + ": content sha256 " + actual + " does not match the recorded "
                    + (recorded == null ? null : InputText.quote(recorded)) + " (corrupt shard)");
        }
        return new Scanned(layout, rows, actual);
    }

    /**
     * Arrow converts the schema's fields recursively, and a flatbuffer field table may list itself among its own
     * children: a footer of a few bytes then recurses until the stack overflows. The stack is unwound by then, so
     * the overflow is reported as the corrupt file it is.
     */
    private static VectorSchemaRoot schemaRoot(ArrowFileReader reader, String name) throws IOException {
        try {
            return reader.getVectorSchemaRoot();
        } catch (StackOverflowError e) {
            throw new BitSweepException(name + ": not a readable Arrow shard (its schema nests fields without end)");
        }
    }

    /**
     * Reads one record batch through Arrow's MessageSerializer rather than ArrowFileReader.loadRecordBatch, so the
     * batch's row count is checked before VectorLoader sizes the vectors by it: a negative count from a corrupt file
     * trips an assert in Arrow (with -ea) or leaves the vectors inconsistent (without). Every row holds at least its
     * 4-byte label, so a batch cannot have more rows than body bytes.
     */
    private static void loadBatch(SeekableReadChannel in, ArrowBlock block, BufferAllocator alloc, VectorLoader loader,
            String name) throws IOException {
        in.setPosition(block.getOffset());
        try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(in, block, alloc)) {
            if (batch.getLength() < 0 || batch.getLength() > block.getBodyLength()) {
                throw new BitSweepException(name + ": not a readable Arrow shard (record batch at byte "
                        + block.getOffset() + " declares " + batch.getLength() + " rows in "
                        + block.getBodyLength() + " bytes)");
            }
            loader.load(batch);
        }
    }

    /**
     * Record batches must lie inside the file one after another, as a writer lays them out. A footer that lists
     * the same bytes several times would make a small file read as many times its size.
     */
    private static void checkBlocks(List<ArrowBlock> blocks, long fileBytes, String name) {
        long end = 0;
        for (int i = 0; i < blocks.size(); i++) {
            ArrowBlock b = blocks.get(i);
            long start = b.getOffset();
            long body = b.getBodyLength();
            // In this order no sum can overflow: each term is checked against the file's size first.
            if (start < end || start > fileBytes || b.getMetadataLength() <= 0 || body < 0 || body > fileBytes
                    || start + b.getMetadataLength() + body > fileBytes) {
                throw new BitSweepException(name + ": not a readable Arrow shard (record batch " + i + " at byte "
                        + start + " with " + b.getMetadataLength() + "+" + body + " bytes overlaps the one before it or"
                        + " lies outside the file's " + fileBytes + " bytes)");
            }
            end = start + b.getMetadataLength() + body;
        }
    }

    /**
     * What Arrow may allocate to read a shard of {@code fileBytes}. It reads one record batch at a time into one
     * buffer, rounded up to a power of two, so twice the file (and a little more, for small files) is enough for
     * any valid shard, while a length declared in a corrupt file cannot reserve more memory than that.
     */
    private static long allocationLimit(long fileBytes) {
        return 2 * fileBytes + (1 << 20);
    }

    /**
     * The length of row r of a string or binary column, after checking its offsets against the column's data.
     * Arrow's get() allocates the length the offsets declare before it checks them, so a corrupt offset would
     * allocate up to 2 GB from a small file.
     */
    private static int checkedLength(BaseVariableWidthVector column, int r, String name) {
        int start = column.getStartOffset(r);
        int end = column.getEndOffset(r);
        long size = column.getDataBuffer().capacity();
        if (start < 0 || end < start || end > size) {
            throw new BitSweepException(name + ": not a readable Arrow shard (column " + column.getName() + " row "
                    + r + " spans bytes " + start + ".." + end + " of its " + size + ")");
        }
        return end - start;
    }
}
