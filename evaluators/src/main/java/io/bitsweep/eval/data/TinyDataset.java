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

    /** Checks one raw sample's length; {@code where} names the file or shard row in the message. */
    static void checkSampleBytes(SampleLayout layout, long bytes, String where) {
        if (bytes != layout.sampleBytes()) {
            throw new BitSweepException(where + " has " + bytes + " bytes, expected " + layout.sampleBytes()
                    + " for " + layout.task() + " (" + layout.description() + ")"
                    + (bytes < layout.sampleBytes() ? ": truncated?" : ""));
        }
    }
}
