package io.bitsweep.eval.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** Files for the fuzz targets of readers that take a path (configs, assignments) rather than bytes. */
public final class FuzzFiles {
    private FuzzFiles() {}

    /** The temp file a target writes each input to before the reader reads it; deleted when the JVM exits. */
    public static Path inputFile(String prefix, String suffix) {
        try {
            Path file = Files.createTempFile(prefix, suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seeds: the bytes of each file in {@code dir} whose name ends with {@code suffix}, named by the file. */
    public static Stream<Arguments> seeds(Path dir, String suffix) throws IOException {
        List<Arguments> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(suffix)).sorted().toList()) {
                seeds.add(Arguments.of(Named.of(f.getFileName().toString(), Files.readAllBytes(f))));
            }
        }
        return seeds.stream();
    }
}
