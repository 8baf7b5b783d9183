package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A data set as raw samples (the bytes of each .bin file, IDX image or converted picture) plus ids and labels. Model
 * inputs are decoded from the raw bytes on every {@link #input} call by the set's {@link SampleLayout}, whatever the storage
 * (.bin directory, one Arrow shard, a shard directory).
 */
public abstract class TinyDataset implements Dataset {
    protected final SampleLayout layout;

    protected TinyDataset(SampleLayout layout) {
        this.layout = layout;
    }

    /** Samples held in memory (e.g. pictures just decoded); the sha256 is computed here. */
    public static TinyDataset of(SampleLayout layout, List<String> ids, int[] labels, byte[][] samples) {
        DataSha sha = new DataSha();
        for (int i = 0; i < samples.length; i++) {
            checkSampleBytes(layout, samples[i].length, "sample " + ids.get(i));
            sha.add(ByteBuffer.wrap(samples[i]), labels[i]);
        }
        return new InMemoryDataset(layout, ids, labels, samples, sha.hex());
    }

    /** The raw bytes of a sample, positioned at 0, read-only; exactly {@code layout().sampleBytes()} long. */
    public abstract ByteBuffer raw(int sample);

    public SampleLayout layout() {
        return layout;
    }

    @Override
    public TaskKind kind() {
        return layout.kind();
    }

    @Override
    public int inputsPerSample() {
        return layout.inputsPerSample();
    }

    @Override
    public int inputSize() {
        return layout.inputSize();
    }

    @Override
    public int[] inputShape() {
        return layout.inputShape();
    }

    @Override
    public int classes() {
        return layout.classes();
    }

    @Override
    public void input(int sample, int window, float[] dst) {
        if (window < 0 || window >= layout.inputsPerSample()) {
            throw new IndexOutOfBoundsException("window " + window + " of " + layout.inputsPerSample());
        }
        if (dst.length != layout.inputSize()) {
            throw new IllegalArgumentException("input buffer has " + dst.length + " floats, "
                    + layout.task() + " inputs have " + layout.inputSize());
        }
        layout.decode(raw(sample), window, dst);
    }

    /** A sample as {@link #forEachSample} hands it over. */
    @FunctionalInterface
    public interface SampleSink {
        /** @param raw the sample's raw bytes, positioned at 0, read-only; valid during this call only */
        void accept(int sample, int label, ByteBuffer raw);
    }

    /**
     * Hands the samples {@code ids} (ascending, no repeats) to {@code sink} in that order: their storage order, so a
     * set on disk is read front to back, each part once. Here each sample is read with {@link #raw}; a shard
     * directory reads each shard file it needs once, one record batch at a time ({@link ShardSetDataset}). A sink
     * may be handed samples before a read fails: whoever gathers them drops them when this throws.
     */
    public void forEachSample(int[] ids, SampleSink sink) {
        checkAscending(ids);
        for (int id : ids) {
            sink.accept(id, label(id), raw(id));
        }
    }

    /** Sample ids for {@link #forEachSample}: within the set, strictly ascending. */
    protected void checkAscending(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= size()) {
                throw new IndexOutOfBoundsException("sample " + ids[i] + " of " + size());
            }
            if (i > 0 && ids[i] <= ids[i - 1]) {
                throw new IllegalArgumentException("sample ids are not ascending: " + ids[i - 1] + " then " + ids[i]);
            }
        }
    }

    /** Checks one raw sample's length; {@code where} names the file or shard row in the message. */
    static void checkSampleBytes(SampleLayout layout, long bytes, String where) {
        if (bytes != layout.sampleBytes()) {
            throw new BitSweepException(where + " has " + bytes + " bytes, expected " + layout.sampleBytes()
                    + " for " + layout.task() + " (" + layout.description() + ")"
                    + (bytes < layout.sampleBytes() ? ": truncated?" : ""));
        }
    }
}
