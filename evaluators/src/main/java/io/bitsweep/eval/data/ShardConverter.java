package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a data set as a shard directory. Everything is written into a hidden temp directory beside the target,
 * manifest last, and moved into place in one rename, so readers see either no shard directory or a complete one.
 * An existing target is only replaced with {@code replace}, and then only after the new set is complete.
 */
public final class ShardConverter {
    private ShardConverter() {}

    public static ShardManifest convert(TinyDataset src, Path out, int shardSize, boolean replace) {
        if (shardSize < 1) {
            throw new BitSweepException("--shard-size must be at least 1, got " + shardSize);
        }
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !replace) {
            throw new BitSweepException("output " + out + " already exists (use --force to replace it)");
        }
        Path parent = target.getParent();
        Path tmp;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
        try {
            List<ShardManifest.Shard> shards = new ArrayList<>();
            for (int from = 0, k = 0; from < src.size(); from += shardSize, k++) {
                int to = Math.min(src.size(), from + shardSize);
                String name = ShardFiles.name(k);
                shards.add(new ShardManifest.Shard(name, to - from, ShardFiles.write(tmp.resolve(name), src, from, to)));
            }
            TinyLayout layout = src.layout();
            ShardManifest manifest = new ShardManifest(ShardManifest.FORMAT, layout.source(), layout.name(),
                    src.size(), layout.sampleBytes(), layout.inputShape(), layout.inputsPerSample(), layout.classes(),
                    src.sha256(), List.copyOf(shards), layout.preprocessing());
            manifest.write(tmp);
            install(tmp, target);
            tmp = null;
            return manifest;
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /** Moves the finished temp directory to the target, replacing an old one only once the new one is in place. */
    private static void install(Path tmp, Path target) {
        try {
            if (!Files.exists(target)) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the new shards into " + target + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a leftover hidden temp directory does not affect readers
        }
    }
}
