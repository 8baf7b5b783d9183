package io.bitsweep.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.io.Npy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TF 2.21's reference kernels ({@code BUILTIN_REF}) on every sample of an MLPerf Tiny int8 model, through
 * {@code evaluators/src/test/python/tflite_ref_oracle.py} (docs/TOOLS.md) run by the tools venv's python from
 * {@code $BITSWEEP_TOOLS_PYTHON}, which .ci/run sets. Without it a test that needs the oracle is skipped (a developer
 * without the venv); with it, any failure of the oracle fails the test. The script caches its results under
 * {@code target/tflite-ref-oracle} by content hash, so a second run takes seconds.
 */
public final class TfliteReferenceOracle {
    public static final String ENV = "BITSWEEP_TOOLS_PYTHON";

    /** The oracle's arrays: the int8 inputs it fed and the int8 outputs, one row per sample (AD: per window). */
    public record Result(Npy.Array inputs, Npy.Array outputs, int rows) {
        public byte[] input(int row) {
            return slice(inputs, row);
        }

        public byte[] output(int row) {
            return slice(outputs, row);
        }

        private byte[] slice(Npy.Array a, int row) {
            int n = Math.toIntExact(a.count() / rows);
            byte[] out = new byte[n];
            a.data().duplicate().position(row * n).get(out);
            return out;
        }
    }

    private TfliteReferenceOracle() {}

    /** One of the MLPerf Tiny int8 models ({@code ic, vww, kws, ad}) on every sample of its data set. */
    public static Result mlperfTiny(String model) {
        return run(model, "--models", model);
    }

    /**
     * Any int8-in, int8-out .tflite file (e.g. an export) on every sample of an MLPerf Tiny data directory; the
     * inputs are the data quantized with the file's input parameters, as the exact engine quantizes them.
     */
    public static Result model(Path tflite, Path dataDir) {
        return run(tflite.getFileName().toString(), "--models", "none", "--pair", tflite.toAbsolutePath() + "="
                + dataDir.toAbsolutePath());
    }

    private static Result run(String model, String... args) {
        String python = System.getenv(ENV);
        assumeTrue(python != null && !python.isBlank(), "$" + ENV + " is not set (bin/pyenv-tools gives the tools "
                + "venv's python): the TF 2.21 reference oracle cannot run");
        Path repo = Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
        try {
            Path json = Files.createTempFile("oracle", ".json");
            List<String> command = new ArrayList<>(List.of(python,
                    repo.resolve("evaluators/src/test/python/tflite_ref_oracle.py").toString()));
            command.addAll(List.of(args));
            command.addAll(List.of("--json", json.toString()));
            Process p = new ProcessBuilder(command)
                    .directory(repo.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                fail("the TF 2.21 reference oracle failed on " + model + ":\n" + log);
            }
            JsonNode metas = new ObjectMapper().readTree(json.toFile());
            Files.delete(json);
            assertEquals(1, metas.size(), log);
            JsonNode meta = metas.get(0);
            assertEquals("ok", meta.get("status").asText(), model + ": " + meta);
            Path dir = Path.of(meta.get("dir").asText());
            Npy.Array outputs = Npy.read(dir.resolve("outputs.npy"));
            int[] shape = outputs.shape();
            int rows = Math.toIntExact(outputs.count() / shape[shape.length - 1]);
            return new Result(Npy.read(dir.resolve("inputs.npy")), outputs, rows);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the TF 2.21 reference oracle: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
