package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep export}'s bad inputs: each is one line, a non-zero exit, and leaves {@code --out} as it was (no
 * temp directory left beside it); --force replaces a directory only once the new one is complete; --uniform takes
 * the forms of eval and hwsim.
 */
class ExportCommandTest {
    private static final String IC = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    private static final String IC_INT8 = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
    private static final String KWS = Assets.resolve("models/kws/kws_ref_model_float32.tflite").toString();
    private static final String IC_DATA = Assets.resolve("data/ic01").toString();

    @TempDir
    Path tmp;

    @Test
    void anAssignmentForAnotherModelIsRefused() throws Exception {
        Path a = tmp.resolve("kws.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"model_sha256\": \"" + "ab".repeat(32)
                + "\", \"defaults\": {\"weights\": \"int8\", \"activations\": \"int8\"}}");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run(new ExportCommand(), "--model", IC, "--assignment", a.toString(), "--data", IC_DATA,
                "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("model_sha256 " + "ab".repeat(32) + " does not match"),
                r.err());
        assertUntouched(out);
    }

    @Test
    void anUnsupportedFormatIsAUsageError() {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run(new ExportCommand(), "--model", IC_INT8, "--format", "onnx", "--out", out.toString());
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--format 'onnx' is not allowed (allowed: c)"), r.err());
        assertUntouched(out);
    }

    /** BFP and MX layers are refused naming the layer and the format (docs/EXPORT.md); so is a float model as is. */
    @Test
    void blockFormatsAndFloatModelsAreRefused() {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run(new ExportCommand(), "--model", IC, "--uniform", "w=bfp:m4:b16,a=int8", "--data",
                IC_DATA, "--calibration-samples", "4", "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().matches("(?s)error: layer \\S+ \\(bfp:m4:b16\\): block arithmetic .* "
                + "is not exported to C .*"), r.err());
        r = CliRun.run(new ExportCommand(), "--model", IC, "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("use --assignment or --uniform for float models"), r.err());
        assertUntouched(out);
    }

    @Test
    void aNonEmptyDirectoryNeedsForce() throws Exception {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        CliRun r = CliRun.run(new ExportCommand(), "--model", IC_INT8, "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("exists and is not empty (give --force to replace it)"),
                r.err());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        assertUntouched(out);
        r = CliRun.run(new ExportCommand(), "--model", IC_INT8, "--format", "c", "--out", out.toString(), "--force");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertTrue(Files.isRegularFile(out.resolve("bitsweep_model.h")));
        assertTrue(r.out().startsWith("export: c in " + out + ": 8 files, weight bytes "), r.out());
        assertUntouched(out);
    }

    @Test
    void optionsThatDoNotGoTogetherAreUsageErrors() {
        Path out = tmp.resolve("out");
        for (List<String> args : List.of(
                List.of("--model", IC, "--uniform", "int8", "--format", "c", "--out", out.toString()),
                List.of("--model", IC, "--uniform", "int8", "--assignment", "a.json", "--data", IC_DATA, "--format",
                        "c", "--out", out.toString()),
                List.of("--model", IC, "--uniform", "w=int8,int4", "--data", IC_DATA, "--format", "c", "--out",
                        out.toString()),
                List.of("--model", IC_INT8, "--data", IC_DATA, "--format", "c", "--out", out.toString()),
                List.of("--model", IC_INT8, "--format", "c", "--out", out.toString(), "--arithmetic", "tflite-3"))) {
            CliRun r = CliRun.run(new ExportCommand(), args.toArray(String[]::new));
            assertEquals(CliErrors.EXIT_USAGE, r.exit(), args + ": " + r.err());
            assertTrue(r.oneLineError(), r.err());
        }
        assertUntouched(out);
    }

    /** --uniform takes eval's and hwsim's forms: w=int8,a=int8 and int8 export the same files. */
    @Test
    void uniformTakesTheFormsOfEvalAndHwsim() throws Exception {
        String kwsData = Assets.resolve("data/kws01").toString();
        Path keyed = tmp.resolve("keyed");
        Path shortForm = tmp.resolve("short");
        CliRun a = CliRun.run(new ExportCommand(), "--model", KWS, "--uniform", "w=int8,a=int8", "--data", kwsData,
                "--format", "c", "--out", keyed.toString());
        CliRun b = CliRun.run(new ExportCommand(), "--model", KWS, "--uniform", "int8", "--data", kwsData,
                "--format", "c", "--out", shortForm.toString());
        assertEquals(0, a.exit(), a.err());
        assertEquals(0, b.exit(), b.err());
        for (String f : List.of("bitsweep_model.c", "bitsweep_weights.c")) {
            assertEquals(Files.readString(keyed.resolve(f)), Files.readString(shortForm.resolve(f)), f);
        }
    }

    /** --out as it was, and no temp directory of an export left beside it. */
    private void assertUntouched(Path out) {
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            List<String> left = siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".out."))
                    .toList();
            assertEquals(List.of(), left);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
