package io.bitsweep.eval.data;

import java.nio.ByteBuffer;
import java.util.List;

/** A {@link TinyDataset} whose raw samples are all in memory: a .bin directory or one shard. */
final class InMemoryDataset extends TinyDataset {
    private final String[] ids;
    private final int[] labels;
    private final byte[][] samples;
    private final String sha256;

    InMemoryDataset(SampleLayout layout, List<String> ids, int[] labels, byte[][] samples, String sha256) {
        super(layout);
        this.ids = ids.toArray(String[]::new);
        this.labels = labels;
        this.samples = samples;
        this.sha256 = sha256;
    }

    @Override
    public ByteBuffer raw(int sample) {
        return ByteBuffer.wrap(samples[sample]).asReadOnlyBuffer();
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public String id(int sample) {
        return ids[sample];
    }

    @Override
    public int label(int sample) {
        return labels[sample];
    }

    @Override
    public String sha256() {
        return sha256;
    }
}
