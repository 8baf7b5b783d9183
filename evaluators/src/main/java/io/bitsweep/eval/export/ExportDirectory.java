package io.bitsweep.eval.export;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes an exporter's files into a directory so that nothing is ever half written: every file goes into a hidden
 * temp directory beside the target ({@code .<name>.<uuid>.tmp}), which is then renamed into place. An existing
 * non-empty target is refused unless {@code force}; with it, the old directory is renamed aside first and deleted
 * only once the new one is in place.
 */
public final class ExportDirectory {
    private ExportDirectory() {}

    /** Fails, before anything is written, if {@code dir} exists and is not an empty directory and not {@code force}. */
    public static void checkWritable(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BitSweepException("--out " + dir + " is a file, not a directory");
        }
        if (!force && !isEmptyOrAbsent(dir)) {
            throw new BitSweepException("--out " + dir + " exists and is not empty (give --force to replace it)");
        }
    }

    /** Writes {@code files} (name to bytes) as {@code dir}; see the class comment. */
    public static void write(Path dir, Map<String, byte[]> files, boolean force) {
        checkWritable(dir, force);
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Path temp = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(parent);
            Files.createDirectory(temp);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(temp.resolve(f.getKey()), f.getValue());
            }
            Path old = null;
            if (Files.exists(target) && !isEmptyOrAbsent(target)) {
                old = parent.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".old");
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            // rename(2) replaces an empty directory in one step
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            try {
                deleteTree(temp);
            } catch (IOException ignored) {
                // the write failed already; that error is the one to report
            }
            throw new BitSweepException("cannot write --out " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyOrAbsent(Path dir) {
        if (!Files.isDirectory(dir)) {
            return !Files.exists(dir);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new BitSweepException("cannot read --out " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
