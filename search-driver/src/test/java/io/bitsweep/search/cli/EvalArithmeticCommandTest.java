package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --arithmetic}: the exact engine computes the chosen profile on an int8 model and on an assignment,
 * says which on stderr and in --json, and refuses bad values and other engines in one line. (Byte-exactness of
 * tflite-micro against TF 2.21's reference kernels: ExactVsTfliteReferenceTest.)
 */
class EvalArithmeticCommandTest {
    static final String INT8 = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
    static final String FLOAT = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    static final String DATA = Assets.resolve("data/ic01").toString();

    @TempDir
    Path tmp;

    @Test
    void anInt8ModelRunsUnderEitherProfileAndTheDefaultIsTflite26() throws Exception {
        Path desktop = tmp.resolve("desktop.npy");
        Path micro = tmp.resolve("micro.npy");
        CliRun byDefault = CliRun.run(new EvalCommand(), "--model", INT8, "--data", DATA, "--engine", "exact",
                "--limit", "40", "--json", "--save-outputs", desktop.toString());
        CliRun r = CliRun.run(new EvalCommand(), "--model", INT8, "--data", DATA, "--engine", "exact",
                "--limit", "40", "--json", "--arithmetic", "tflite-micro", "--save-outputs", micro.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("tflite-2.6", json(byDefault).path("arithmetic").asText());
        assertEquals("tflite-micro", json(r).path("arithmetic").asText());
        assertTrue(r.err().contains("eval: tflite-micro arithmetic"), r.err());
        // The profiles differ by a few LSB in many rows of IC (docs/ASSIGNMENT.md "Arithmetic profiles").
        assertNotEquals(Npy.read(desktop).data(), Npy.read(micro).data());
    }

    @Test
    void anAssignmentCarriesItsArithmeticAndTheOptionOverridesIt() throws Exception {
        Path a = tmp.resolve("a.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"arithmetic\": \"tflite-micro\"}");
        CliRun fromFile = CliRun.run(new EvalCommand(), "--model", FLOAT, "--data", DATA, "--assignment",
                a.toString(), "--limit", "10", "--json");
        assertEquals(0, fromFile.exit(), fromFile.err());
        assertEquals("tflite-micro", json(fromFile).path("arithmetic").asText());
        CliRun overridden = CliRun.run(new EvalCommand(), "--model", FLOAT, "--data", DATA, "--assignment",
                a.toString(), "--limit", "10", "--json", "--arithmetic", "tflite-2.6");
        assertEquals("tflite-2.6", json(overridden).path("arithmetic").asText());
        CliRun uniform = CliRun.run(new EvalCommand(), "--model", FLOAT, "--data", DATA, "--uniform", "int8",
                "--limit", "10", "--json");
        assertEquals("tflite-2.6", json(uniform).path("arithmetic").asText());
    }

    @Test
    void badValuesAndOtherEnginesAreOneLineErrors() throws Exception {
        CliRun r = CliRun.run(new EvalCommand(), "--model", INT8, "--data", DATA, "--engine", "exact",
                "--arithmetic", "tflite-2.21");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains(
                "--arithmetic 'tflite-2.21' is not allowed (allowed: tflite-2.6, tflite-micro)"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", INT8, "--data", DATA, "--engine", "djl",
                "--arithmetic", "tflite-micro");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("allowed: --engine exact, --assignment, --uniform"), r.err());
        Path a = tmp.resolve("bad.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"arithmetic\": \"micro\"}");
        r = CliRun.run(new EvalCommand(), "--model", FLOAT, "--data", DATA, "--assignment", a.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains(a + ": arithmetic 'micro' is not allowed (allowed: "
                + "tflite-2.6, tflite-micro)"), r.err());
    }

    private static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out());
    }
}
