package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A shard directory as one data set, in manifest order. Random access holds one shard file in memory at a time (the
 * one the last accessed sample is in), so sequential passes over sets far larger than the heap work;
 * {@link #forEachSample} holds only one record batch. Each shard's content is checked against its recorded SHA-256
 * whenever it is read. Not thread-safe, like a {@link Dataset} in general.
 */
public final class ShardSetDataset extends TinyDataset {
    private final ShardStore store;
    private final ShardManifest manifest;
    /** starts[k] is the index of shard k's first sample; starts[shards] is the total. */
    private final int[] starts;
    private int loadedShard = -1;
    private TinyDataset loaded;

    private ShardSetDataset(ShardStore store, ShardManifest manifest) {
        super(manifest.layout());
        this.store = store;
        this.manifest = manifest;
        List<ShardManifest.Shard> shards = manifest.shards();
        starts = new int[shards.size() + 1];
        for (int k = 0; k < shards.size(); k++) {
            starts[k + 1] = starts[k] + shards.get(k).samples();
        }
    }

    public static ShardSetDataset open(Path dir) {
        return open(new LocalShardStore(dir));
    }

    /** A shard directory wherever {@code store} keeps it; every listed shard must exist. */
    public static ShardSetDataset open(ShardStore store) {
        ShardManifest manifest = ShardManifest.read(store);
        for (ShardManifest.Shard s : manifest.shards()) {
            boolean exists;
            try {
                exists = store.exists(s.file());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot check " + store.describe(s.file()) + ": " + e.getMessage(), e);
            }
            if (!exists) {
                throw new BitSweepException(store.describe(ShardManifest.NAME) + " lists " + s.file()
                        + " but " + store.describe(s.file()) + " does not exist");
            }
        }
        return new ShardSetDataset(store, manifest);
    }

    public ShardManifest manifest() {
        return manifest;
    }

    public int shardCount() {
        return manifest.shards().size();
    }

    /** Shard k as its own data set (its sha256 is the shard's, not the set's). */
    public TinyDataset shard(int k) {
        ShardManifest.Shard s = manifest.shards().get(k);
        String name = store.describe(s.file());
        TinyDataset d;
        try (SeekableByteChannel ch = store.open(s.file())) {
            d = ShardFiles.read(ch, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + name + ": " + e.getMessage(), e);
        }
        checkMatchesManifest(s, name, d.size(), d.sha256(), d.layout());
        return d;
    }

    /**
     * Reads each shard file that holds some of {@code ids} once, front to back, one record batch at a time, and hands
     * over only those samples: memory stays at one record batch whatever the shard files' size, and a partition of a
     * search reads each of its files once however its samples are ordered for scoring.
     */
    @Override
    public void forEachSample(int[] ids, SampleSink sink) {
        checkAscending(ids);
        for (int from = 0; from < ids.length; ) {
            int k = shardIndex(ids[from]);
            int to = from;
            while (to < ids.length && ids[to] < starts[k + 1]) {
                to++;
            }
            scanShard(k, ids, from, to, sink);
            from = to;
        }
    }

    /** Streams shard k, handing over the samples ids[from, to) (all in shard k, ascending). */
    private void scanShard(int k, int[] ids, int from, int to, SampleSink sink) {
        ShardManifest.Shard s = manifest.shards().get(k);
        String name = store.describe(s.file());
        int base = starts[k];
        int[] next = {from};
        ShardFiles.Scanned scanned;
        try (SeekableByteChannel ch = store.open(s.file())) {
            scanned = ShardFiles.scan(ch, name, (row, id, label, data) -> {
                if (next[0] < to && ids[next[0]] == base + row) {
                    sink.accept(base + row, label, data);
                    next[0]++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + name + ": " + e.getMessage(), e);
        }
        checkMatchesManifest(s, name, scanned.rows(), scanned.sha256(), scanned.layout());
    }

    private void checkMatchesManifest(ShardManifest.Shard s, String name, int size, String sha256,
                                      SampleLayout shardLayout) {
        if (size != s.samples() || !sha256.equals(s.sha256()) || !shardLayout.equals(layout)) {
            throw new BitSweepException(name + " does not match " + store.describe(ShardManifest.NAME)
                    + ": it has " + size + " " + shardLayout.task() + " samples with sha256 " + sha256
                    + ", the manifest lists " + s.samples() + " " + layout.task() + " samples with sha256 "
                    + s.sha256());
        }
    }

    /** The shard holding {@code sample}. */
    private int shardIndex(int sample) {
        if (sample < 0 || sample >= size()) {
            throw new IndexOutOfBoundsException("sample " + sample + " of " + size());
        }
        int k = Arrays.binarySearch(starts, sample);
        k = k >= 0 ? k : -k - 2;
        while (starts[k + 1] == starts[k]) {
            k++; // skip empty shards
        }
        return k;
    }

    private TinyDataset shardOf(int sample) {
        int k = shardIndex(sample);
        if (k != loadedShard) {
            loaded = shard(k);
            loadedShard = k;
        }
        return loaded;
    }

    private int local(int sample) {
        return sample - starts[loadedShard];
    }

    @Override
    public ByteBuffer raw(int sample) {
        TinyDataset d = shardOf(sample);
        return d.raw(local(sample));
    }

    @Override
    public int size() {
        return manifest.samples();
    }

    @Override
    public String id(int sample) {
        TinyDataset d = shardOf(sample);
        return d.id(local(sample));
    }

    @Override
    public int label(int sample) {
        TinyDataset d = shardOf(sample);
        return d.label(local(sample));
    }

    @Override
    public String sha256() {
        return manifest.sha256();
    }
}
