package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.export.tflite.TfliteExporter;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.tflite.TfliteWriter;
import java.nio.charset.StandardCharsets;
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
        assertTrue(r.oneLineError() && r.err().contains("--format 'onnx' is not allowed (allowed: c, tflite)"), r.err());
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

    /**
     * Sizes (docs/EXPORT.md): w8 weights are exactly the weight-memory objective (8 bits per weight and a 32-bit scale
     * per channel, as the search counts them) plus one shift byte per channel; pot weights exactly the objective (4 bits
     * per weight, an 8-bit shift per channel) plus each layer's padding to whole bytes, and the int32 multipliers of the
     * layer reading the model input, whose scale (the data's, int8:asym) is no power of two.
     */
    @Test
    void weightBytesAreTheObjectivePlusTheDocumentedOverhead() throws Exception {
        String kwsData = Assets.resolve("data/kws01").toString();
        Model m = ModelFiles.load(Path.of(KWS));
        for (String[] c : new String[][] {{"int8", "8", "32", "1"}, {"w=int4:pot,a=int8:pot", "4", "8", "0"}}) {
            Path out = tmp.resolve("sizes" + c[1]);
            CliRun r = CliRun.run(new ExportCommand(), "--model", KWS, "--uniform", c[0], "--data", kwsData,
                    "--format", "c", "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            long objectiveBits = 0;
            long shiftBytes = 0;
            long padding = 0;
            for (Op op : m.quantizableLayers()) {
                int channels = m.outputChannels(op);
                long perChannel = m.weights(op).elementCount() / channels;
                objectiveBits += channels * (perChannel * Integer.parseInt(c[1]) + Integer.parseInt(c[2]));
                shiftBytes += channels * Long.parseLong(c[3]);
                if (c[3].equals("0") && op.input(0) == m.input().index()) {
                    shiftBytes += 4L * channels;
                }
                padding += (8 - channels * perChannel * Integer.parseInt(c[1]) % 8) % 8 == 0 ? 0 : 1;
            }
            long weightBytes = ExportFromRunTest.define(Files.readString(out.resolve("bitsweep_model.h")),
                    "BITSWEEP_WEIGHT_BYTES");
            assertEquals(objectiveBits / 8 + shiftBytes + padding, weightBytes, c[0]);
            assertTrue(r.out().contains("weight bytes " + weightBytes + ","), r.out());
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

    /**
     * --format tflite writes one flatbuffer carrying the provenance, which imports back as the program's ops; a point
     * requantized as TFLite 2.6.2 does not (requant double) is exported with a one-line warning, one with
     * requant tflite without; int4 activations are refused naming the layer, nothing written (the runtimes' byte
     * equality is TfliteExportVsRuntimesTest's).
     */
    @Test
    void tfliteExportsOneFileWarnsOfOtherRoundingsAndRefusesWhatTfliteCannotCompute() throws Exception {
        Path out = tmp.resolve("tflite");
        CliRun r = CliRun.run(new ExportCommand(), "--model", IC, "--uniform", "w=int8,a=int8:asym", "--data",
                IC_DATA, "--calibration-samples", "8", "--format", "tflite", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("export: tflite in " + out + ": 1 files, weight bytes "), r.out());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("export: warning: ") && l.contains("requant tflite")),
                r.err());
        byte[] file = Files.readAllBytes(out.resolve(TfliteExporter.FILE));
        assertTrue(new String(TfliteWriter.metadata(file, TfliteExporter.PROVENANCE),
                StandardCharsets.UTF_8).contains("\"w=int8,a=int8:asym\""));
        Model exported = ModelFiles.read(file, "exported");
        // the same weight layers (under tflite-2.6 the per-channel FULLY_CONNECTED is written as a 1x1 CONV_2D)
        assertEquals(ModelFiles.load(Path.of(IC)).quantizableLayers().size(), exported.quantizableLayers().size());

        Path a = tmp.resolve("tflite-rounding.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"defaults\": {\"weights\": \"int8\", "
                + "\"activations\": \"int8:asym\"}, \"requant\": \"tflite\"}");
        r = CliRun.run(new ExportCommand(), "--model", IC, "--assignment", a.toString(), "--data", IC_DATA,
                "--calibration-samples", "8", "--format", "tflite", "--out", tmp.resolve("exact").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("warning"), r.err());

        Path refused = tmp.resolve("refused");
        r = CliRun.run(new ExportCommand(), "--model", IC, "--uniform", "w=int8,a=int4", "--data", IC_DATA,
                "--calibration-samples", "8", "--format", "tflite", "--out", refused.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("layer") && r.err().contains("int4"), r.err());
        assertUntouched(refused);
    }
}
