package io.bitsweep.search.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.fuzz.FuzzFiles;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.search.store.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
    private static final Path FILE = FuzzFiles.inputFile("fuzz-search", ".conf");
    private static final String SHA = "0".repeat(64);

    /** The shipped search configs and the tests' synthetic one. */
    static Stream<Arguments> seeds() throws IOException {
        Path repo = Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
        return Stream.concat(FuzzFiles.seeds(repo.resolve("conf/search"), ".conf"),
                FuzzFiles.seeds(repo.resolve("search-driver/src/test/resources"), "synthetic.conf"));
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
}
