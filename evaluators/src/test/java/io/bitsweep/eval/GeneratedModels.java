package io.bitsweep.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bitsweep.eval.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The random-weight ImageNet-architecture test models of {@code evaluators/src/test/python/make_imagenet_models.py}
 * (docs/TOOLS.md), found under {@code $BITSWEEP_GENERATED_MODELS} (or {@code -Dbitsweep.generated-models}), which
 * .ci/run sets after running the generator. Without either, a test that needs them is skipped (a developer without
 * the tools venv); with one, a missing model fails the test.
 */
public final class GeneratedModels {
    public static final String ENV = "BITSWEEP_GENERATED_MODELS";
    public static final String PROPERTY = "bitsweep.generated-models";

    private GeneratedModels() {}

    /** The directory of one generated model ({@code <root>/<name>-<key>/}, complete with its manifest). */
    public static Path dir(String name) {
        String configured = System.getProperty(PROPERTY, System.getenv(ENV));
        Path root = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("bitsweep.repo", ".")).resolve("target/generated-models");
        List<Path> found = List.of();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                found = s.filter(p -> p.getFileName().toString().matches(name + "-[0-9a-f]{16}")
                        && Files.isRegularFile(p.resolve("manifest.json"))).toList();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        if (found.isEmpty()) {
            assumeTrue(configured != null, "no generated model " + name + " under " + root + " (run "
                    + "evaluators/src/test/python/make_imagenet_models.py with bin/pyenv-tools' python)");
            fail("no generated model " + name + " under " + root + " ($" + ENV + ")");
        }
        return found.get(0);
    }

    /** A file of a generated model. */
    public static Path file(String name, String file) {
        Path p = dir(name).resolve(file);
        if (!Files.isRegularFile(p)) {
            fail("generated model " + name + " has no " + file);
        }
        return p;
    }

    /** A .npy array of a generated model. */
    public static Npy.Array array(String name, String file) {
        return Npy.read(file(name, file));
    }

    /** Row {@code i} of a [K, ...] float array as floats. */
    public static float[] row(Npy.Array a, int i) {
        float[] all = a.toFloats();
        int n = all.length / a.shape()[0];
        float[] out = new float[n];
        System.arraycopy(all, i * n, out, 0, n);
        return out;
    }

    /** Row {@code i} of a [K, ...] int8 array as bytes. */
    public static byte[] bytes(Npy.Array a, int i) {
        int n = Math.toIntExact(a.count() / a.shape()[0]);
        byte[] out = new byte[n];
        a.data().duplicate().position(i * n).get(out);
        return out;
    }

    /**
     * Asserts that every output is within {@code tolerance} times the largest reference output of the reference
     * (issue 15's float criterion); returns the largest difference relative to that largest output.
     */
    public static double assertCloseToReference(float[] ours, float[] reference, double tolerance, String where) {
        double largest = 0;
        double diff = 0;
        for (int i = 0; i < reference.length; i++) {
            largest = Math.max(largest, Math.abs(reference[i]));
            diff = Math.max(diff, Math.abs(ours[i] - reference[i]));
        }
        assertTrue(diff <= tolerance * largest, where + ": max |difference| = " + diff + ", largest output "
                + largest);
        return diff / largest;
    }
}
