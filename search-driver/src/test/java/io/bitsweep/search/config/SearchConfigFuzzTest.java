package io.bitsweep.search.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.search.store.RunManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: search configs, read as {@code bitsweep search --config} reads them ({@link SearchConfigLoader#load}:
 * the file as HOCON, reference.conf below it, unknown keys rejected, then {@link SearchSettings#from}, typed from end
 * to end). Settings that load must be usable: they go into a run's manifest ({@link RunManifest#create}), as
 * every search does, and its config hash is the same when the file is loaded again.
 */
class SearchConfigFuzzTest {
    private static final Path FILE = tempFile();
    private static final String SHA = "0".repeat(64);

    /** The shipped search configs and the tests' synthetic one. */
    static Stream<Arguments> seeds() throws IOException {
        Path repo = Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
        Stream.Builder<Arguments> seeds = Stream.builder();
        try (Stream<Path> files = Files.list(repo.resolve("conf/search"))) {
            for (Path f : files.sorted().toList()) {
                seeds.add(Arguments.of(Named.of(f.getFileName().toString(), Files.readAllBytes(f))));
            }
        }
        seeds.add(Arguments.of(Named.of("synthetic.conf",
                Files.readAllBytes(repo.resolve("search-driver/src/test/resources/synthetic.conf")))));
        return seeds.build();
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void load(byte[] bytes) throws Exception {
        Files.write(FILE, bytes);
        ReaderProperty.check(bytes.length, () -> {
            String manifest = RunManifest.create(SearchConfigLoader.load(FILE, List.of(), null), SHA, SHA, "none");
            String again = RunManifest.create(SearchConfigLoader.load(FILE, List.of(), null), SHA, SHA, "none");
            assertEquals(configHash(manifest), configHash(again));
        }, FILE.toString());
    }

    private static String configHash(String manifest) {
        return manifest.lines().filter(l -> l.contains("config_sha256")).findFirst().orElse(manifest);
    }

    /** The file the target writes each input to (the loader reads a path: includes resolve beside it). */
    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("fuzz-search", ".conf");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
