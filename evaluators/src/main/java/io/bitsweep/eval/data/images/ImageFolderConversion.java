package io.bitsweep.eval.data.images;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.DataSha;
import io.bitsweep.eval.data.ImageLayout;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.ShardDirectory;
import io.bitsweep.eval.data.ShardFiles;
import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.TinyDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An image folder being converted to a shard directory. {@link #tasks()} are the shards (consecutive runs of
 * {@code shardSize} pictures in folder order), which any runner may execute in any order and place (search-driver
 * runs them as one Spark job); {@link #finish} checks the results, computes the set's sha256 by reading the shards
 * back in order (so it is the same value {@code eval} computes on them), writes the manifest and moves the directory
 * into place. Closing before {@code finish} deletes everything written: never a half-written shard set.
 */
public final class ImageFolderConversion implements AutoCloseable {
    private final ImageFolder folder;
    private final ImagePreprocessing preprocessing;
    private final ImageLayout layout;
    private final ShardDirectory dir;
    private final List<ImageShardTask> tasks = new ArrayList<>();

    /** What a finished conversion wrote, and the pictures it skipped (one line each). */
    public record Result(ShardManifest manifest, List<String> skipped, int unlabelled) {}

    public ImageFolderConversion(ImageFolder folder, ImagePreprocessing preprocessing, Path out, int shardSize,
            BadImages badImages, boolean replace) {
        ShardConverter.checkShardSize(shardSize);
        if (badImages == BadImages.ERROR && !folder.missing().isEmpty()) {
            throw new BitSweepException(folder.missing().get(0) + (folder.missing().size() > 1 ? " (and "
                    + (folder.missing().size() - 1) + " more; --bad-images skip leaves them out)" : ""));
        }
        if (folder.entries().isEmpty()) {
            throw new BitSweepException("no pictures to convert (allowed: .jpg, .jpeg, .png, .bmp, .gif files)");
        }
        this.folder = folder;
        this.preprocessing = preprocessing;
        this.layout = preprocessing.layout(folder.classes());
        this.dir = ShardDirectory.begin(out, replace);
        List<ImageEntry> all = folder.entries();
        for (int from = 0, k = 0; from < all.size(); from += shardSize, k++) {
            ImageEntry[] part = all.subList(from, Math.min(all.size(), from + shardSize)).toArray(ImageEntry[]::new);
            tasks.add(new ImageShardTask(k, part, preprocessing, layout, badImages, dir.tmp().toString()));
        }
    }

    public List<ImageShardTask> tasks() {
        return List.copyOf(tasks);
    }

    /** Every task's result (in any order): writes the manifest and installs the shard directory. */
    public Result finish(List<ImageShardResult> results) {
        List<ImageShardResult> sorted = results.stream().sorted(Comparator.comparingInt(ImageShardResult::index))
                .toList();
        if (sorted.size() != tasks.size()) {
            throw new IllegalStateException(sorted.size() + " shard results for " + tasks.size() + " shards");
        }
        for (ImageShardResult r : sorted) {
            if (r.error() != null) {
                throw new BadImageException(r.error());
            }
        }
        List<String> skipped = new ArrayList<>(folder.missing());
        List<ShardManifest.Shard> shards = new ArrayList<>();
        DataSha sha = new DataSha();
        int samples = 0;
        for (ImageShardResult r : sorted) {
            skipped.addAll(Arrays.asList(r.skipped()));
            TinyDataset shard = ShardFiles.read(dir.tmp().resolve(r.file()));
            if (shard.size() != r.samples() || !shard.sha256().equals(r.sha256())) {
                throw new BitSweepException(r.file() + " does not hold what its task reported (" + r.samples()
                        + " samples, sha256 " + r.sha256() + ")");
            }
            for (int i = 0; i < shard.size(); i++) {
                sha.add(shard.raw(i), shard.label(i));
            }
            samples += shard.size();
            shards.add(new ShardManifest.Shard(r.file(), r.samples(), r.sha256()));
        }
        if (samples == 0) {
            throw new BitSweepException("every picture was skipped as bad (" + skipped.size() + "), e.g. "
                    + skipped.get(0));
        }
        ShardManifest manifest = new ShardManifest(ShardManifest.FORMAT, layout.source(), layout.task(), samples,
                layout.sampleBytes(), layout.inputShape(), layout.inputsPerSample(), layout.classes(), sha.hex(),
                List.copyOf(shards), preprocessing.describe(), layout.spec(), folder.classNames(), skipped.size());
        manifest.write(dir.tmp());
        dir.install();
        return new Result(manifest, List.copyOf(skipped), folder.unlabelled());
    }

    @Override
    public void close() {
        dir.close();
    }
}
