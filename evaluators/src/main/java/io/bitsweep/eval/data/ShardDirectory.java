package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A shard directory being written: everything goes into a hidden temp directory beside the target, manifest last,
 * and {@link #install()} moves it into place in one rename, so readers see either no shard directory or a complete
 * one. An existing target is only replaced with {@code replace}, and then only after the new set is complete.
 * Closing without installing deletes the temp directory: a failed conversion leaves nothing behind.
 */
public final class ShardDirectory implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private boolean installed;

    private ShardDirectory(Path target, Path tmp) {
        this.target = target;
        this.tmp = tmp;
    }

    /** Checks that {@code out} may be written and creates the temp directory beside it. */
    public static ShardDirectory begin(Path out, boolean replace) {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target) && !replace) {
            throw new BitSweepException("output " + out + " already exists (use --force to replace it)");
        }
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
            return new ShardDirectory(target, Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out + ": " + e.getMessage(), e);
        }
    }

    /** Where the shard files and the manifest are written before {@link #install()}. */
    public Path tmp() {
        return tmp;
    }

    /** Moves the finished temp directory to the target, replacing an old one only once the new one is in place. */
    public void install() {
        try {
            if (!Files.exists(target)) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            }
            installed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the new shards into " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!installed) {
            deleteTree(tmp);
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
