package io.bitsweep.eval.data.images;

import io.bitsweep.eval.data.ImageLayout;
import io.bitsweep.eval.data.ShardFiles;
import io.bitsweep.eval.data.TinyDataset;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard of an image-folder conversion, as one Spark task runs it on an executor: read and decode its pictures,
 * write {@code shard-NNNNN.arrow} into the conversion's temp directory (on a file system the executors share with
 * the driver). Only the small {@link ImageShardResult} travels back.
 */
public record ImageShardTask(int index, ImageEntry[] entries, ImagePreprocessing preprocessing, ImageLayout layout,
                             BadImages badImages, String dir) implements Serializable {

    public ImageShardResult run() {
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<byte[]> pixels = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ImageEntry e : entries) {
            try {
                pixels.add(ImageDecoder.decode(read(e.file()), e.file(), preprocessing));
                ids.add(e.id());
                labels.add(e.label());
            } catch (BadImageException bad) {
                if (badImages == BadImages.ERROR) {
                    return ImageShardResult.failed(index, bad.getMessage());
                }
                skipped.add(bad.getMessage());
            }
        }
        String name = ShardFiles.name(index);
        TinyDataset shard = TinyDataset.of(layout, ids, labels.stream().mapToInt(Integer::intValue).toArray(),
                pixels.toArray(byte[][]::new));
        String sha = ShardFiles.write(Path.of(dir).resolve(name), shard, 0, shard.size());
        return new ImageShardResult(index, name, shard.size(), sha, skipped.toArray(String[]::new), null);
    }

    private static byte[] read(String file) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new BadImageException(file + ": missing (it was listed, then removed)");
        } catch (IOException e) {
            throw new BadImageException(file + ": not readable (" + e.getMessage() + ")", e);
        }
    }
}
