package io.bitsweep.eval.assets;

import io.bitsweep.eval.BitSweepException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the MLPerf Tiny models and data live. They are never copied into the repo: the directory comes from
 * {@code BITSWEEP_ASSETS} (or the {@code bitsweep.assets} system property), else {@code ../shared/mlperf-tiny}
 * beside the checkout, which is where CI and developer machines keep them. {@code bitsweep fetch-assets} fills a
 * directory for users who have neither.
 */
public final class Assets {
    public static final String ENV = "BITSWEEP_ASSETS";

    private Assets() {}

    /** The assets directory; fails with a one-line hint if none is configured or it does not exist. */
    public static Path dir() {
        Path dir = configuredDir();
        if (!Files.isDirectory(dir)) {
            throw new BitSweepException("assets directory " + dir + " does not exist: set " + ENV
                    + " to the MLPerf Tiny assets, or run 'bitsweep fetch-assets --out DIR'");
        }
        return dir;
    }

    /** Where the assets directory is configured to be, whether or not it exists yet (fetch-assets creates it). */
    public static Path configuredDir() {
        String configured = System.getenv(ENV);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty("bitsweep.assets");
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String repo = System.getProperty("bitsweep.repo", ".");
        return Path.of(repo).toAbsolutePath().normalize().resolveSibling("shared").resolve("mlperf-tiny");
    }

    /** A file under the assets directory, e.g. {@code models/ic/pretrainedResnet.tflite}. */
    public static Path resolve(String relative) {
        Path p = dir().resolve(relative);
        if (!Files.exists(p)) {
            throw new BitSweepException("asset " + relative + " not found under " + dir());
        }
        return p;
    }
}
