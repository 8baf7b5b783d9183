package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.io.Npy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitsweep eval --engine exact} on the real int8 IC model: same result and same raw bytes as DJL. */
class EvalExactCommandTest {
    @TempDir
    Path tmp;

    @Test
    void exactEngineSavesTheRawInt8OutputsAndAgreesWithDjl() {
        String model = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        Path ours = tmp.resolve("exact.npy");
        Path theirs = tmp.resolve("djl.npy");
        CliRun exact = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact",
                "--save-outputs", ours.toString());
        CliRun djl = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "djl",
                "--save-outputs", theirs.toString());
        assertEquals(0, exact.exit(), exact.err());
        assertEquals(djl.out(), exact.out());
        Npy.Array a = Npy.read(ours);
        assertEquals(Npy.DType.INT8, a.dtype());
        assertArrayEquals(new int[] {200, 10}, a.shape());
        assertEquals(bytes(Npy.read(theirs).data()), bytes(a.data()));
    }

    /**
     * --save-inputs holds the int8 codes the engine ran on: run raw through the same program they give exactly the
     * bytes of --save-outputs, sample after sample (KWS: its input is quantized from MFCC floats).
     */
    @Test
    void savedInputsAreWhatTheEngineRanOn() {
        Path model = Assets.resolve("models/kws/kws_ref_model_float32.tflite");
        String data = Assets.resolve("data/kws01").toString();
        Path in = tmp.resolve("in.npy");
        Path out = tmp.resolve("out.npy");
        CliRun r = CliRun.run(new EvalCommand(), "--model", model.toString(), "--data", data, "--uniform",
                "w=int4,a=int8", "--limit", "13", "--batch-size", "5", "--save-inputs", in.toString(),
                "--save-outputs", out.toString());
        assertEquals(0, r.exit(), r.err());
        Npy.Array inputs = Npy.read(in);
        Npy.Array outputs = Npy.read(out);
        assertEquals(Npy.DType.INT8, inputs.dtype());
        assertEquals(13, inputs.shape()[0]);
        assertEquals(13 * 490, inputs.count());
        byte[] codes = new byte[inputs.data().remaining()];
        inputs.data().duplicate().get(codes);
        var q = io.bitsweep.eval.quant.Quantizer.quantize(io.bitsweep.eval.importers.ModelFiles.load(model),
                io.bitsweep.eval.quant.Assignment.parseUniform("w=int4,a=int8"), "--uniform", io.bitsweep.eval.data.Datasets.open(
                        Path.of(data)), 0, 32);
        var exact = new io.bitsweep.eval.engine.exact.ExactPredictor(q);
        byte[] again = new byte[13 * 12];
        for (int i = 0; i < 13; i++) {
            byte[] o = new byte[12];
            exact.predictRaw(java.util.Arrays.copyOfRange(codes, i * 490, (i + 1) * 490), o);
            System.arraycopy(o, 0, again, i * 12, 12);
        }
        assertEquals(bytes(outputs.data()), ByteBuffer.wrap(again));
        r = CliRun.run(new EvalCommand(), "--model", model.toString(), "--data", data, "--limit", "2",
                "--save-inputs", in.toString());
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--save-inputs writes the int8 inputs of the exact engine"),
                r.err());
    }

    @Test
    void kernelsAndBatchSizeNeverChangeAByte() {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        ByteBuffer expected = null;
        String expectedLine = null;
        for (String[] run : new String[][] {{"java", "1"}, {"java", "7"}, {"auto", "8"}, {"auto", "1"}}) {
            Path out = tmp.resolve(run[0] + run[1] + ".npy");
            CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform",
                    "w=bfp:m8:b16,a=bfp:m8:b16", "--limit", "23", "--kernels", run[0], "--batch-size", run[1],
                    "--save-outputs", out.toString());
            assertEquals(0, r.exit(), r.err());
            ByteBuffer bytes = bytes(Npy.read(out).data());
            if (expected == null) {
                expected = bytes;
                expectedLine = r.out();
            }
            assertEquals(expected, bytes, "--kernels " + run[0] + " --batch-size " + run[1]);
            assertEquals(expectedLine, r.out());
        }
    }

    @Test
    void badKernelsAndBatchSizeAreOneLineErrors() {
        String model = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact",
                "--kernels", "avx");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--kernels 'avx' is not allowed (allowed: auto, java, native)"),
                r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact", "--batch-size", "300");
        assertTrue(r.oneLineError() && r.err().contains("--batch-size must be in 1..256, got 300"), r.err());
    }

    @Test
    void badAssignmentsAreOneLineErrors() throws Exception {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        Path a = tmp.resolve("a.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": "
                + "{\"conv_2d_7\": {\"weights\": [\"int4\"]}}}");
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--assignment", a.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("layers.conv_2d_7.weights: 1 channel formats for 64 output channels"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int4,a=int8",
                "--engine", "djl");
        assertTrue(r.oneLineError() && r.err().contains("allowed: --engine exact"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int17");
        assertTrue(r.oneLineError() && r.err().contains("--uniform weights: "), r.err());
    }

    /** --uniform int8 is w=int8,a=int8, as in hwsim; --json carries the result line's numbers. */
    @Test
    void uniformShortFormAndJson() throws Exception {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun keyed = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int8,a=int8",
                "--limit", "20");
        CliRun shortForm = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "int8",
                "--limit", "20");
        assertEquals(0, shortForm.exit(), shortForm.err());
        assertEquals(keyed.out(), shortForm.out());
        CliRun json = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "int8",
                "--limit", "20", "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("bitsweep.eval/1", doc.path("schema").asText());
        assertEquals("exact", doc.path("engine").asText());
        assertEquals(String.format(Locale.ROOT, "accuracy: %.4f (%d/%d)", doc.path("value").asDouble(),
                doc.path("correct").asLong(), doc.path("samples").asLong()), shortForm.out().strip());
        assertEquals(20, doc.path("samples").asInt());
        assertEquals(32, doc.path("accumulator_bits").asInt());
        assertTrue(doc.path("data_sha256").asText().matches("[0-9a-f]{64}"), doc.toString());
    }

    @Test
    void narrowAccumulatorsSaturateAndAreCounted() {
        String model = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact", "--limit",
                "5", "--accumulator-bits", "12");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("12-bit accumulators, (\\d+) saturations")
                .matcher(r.err());
        assertTrue(m.find() && Long.parseLong(m.group(1)) > 0, r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact", "--limit", "5");
        assertTrue(r.err().contains("32-bit accumulators, 0 saturations"), r.err());
    }

    @Test
    void fusionOptionFusesResidualAddsAndRejectsUnknownValues() {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int8,a=int8:asym",
                "--limit", "5", "--fusion", "residual");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("accuracy: "), r.out());
        assertTrue(r.err().contains("eval: residual fusion: add_0 into conv_2d_2, add_1 into conv_2d_5, add_2 into "
                + "conv_2d_8"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int8,a=int8:asym",
                "--fusion", "add");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--fusion 'add' is not allowed (allowed: none, residual)"),
                r.err());
        r = CliRun.run(new EvalCommand(), "--model", Assets.resolve("models/ic/pretrainedResnet_quant.tflite")
                .toString(), "--data", data, "--engine", "exact", "--fusion", "residual");
        assertTrue(r.oneLineError() && r.err().contains("--fusion applies to a float model"), r.err());
    }

    @Test
    void gptqAndBiasCorrectionOptionsOverrideTheAssignmentAndReportTheCalibrationOverlap() throws Exception {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int4,a=int8:asym",
                "--weight-scales", "mse", "--weight-rounding", "gptq", "--bias-correction");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("accuracy: [0-9.]+ \\((\\d+)/200\\)").matcher(r.out());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 164, r.out());
        assertTrue(r.err().contains("eval: weights gptq-rounded, mse scales, bias correction on; calibrated (minmax) "
                + "on samples 0..31 of " + data + ", 32 of them also evaluated"), r.err());
        // the same settings from the assignment file give the same line; the flags override the file
        Path a = tmp.resolve("a.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"defaults\": {\"weights\": \"int4\", "
                + "\"activations\": \"int8:asym\"}, \"weight_scales\": \"mse\", \"weight_rounding\": \"gptq\", "
                + "\"bias_correction\": true}");
        CliRun file = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--assignment", a.toString());
        assertEquals(r.out(), file.out());
        CliRun off = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--assignment", a.toString(),
                "--weight-rounding", "nearest", "--no-bias-correction", "--offset", "32", "--limit", "20");
        assertTrue(off.err().contains("weights nearest-rounded, mse scales, bias correction off")
                && off.err().contains("none of them evaluated"), off.err());
    }

    @Test
    void badRoundingOptionsAreOneLineErrors() {
        String model = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        CliRun r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int4",
                "--weight-rounding", "adaround");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--weight-rounding 'adaround' is not allowed (allowed: "
                + "nearest, gptq)"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--uniform", "w=int4",
                "--weight-scales", "l1");
        assertTrue(r.oneLineError() && r.err().contains("(allowed: minmax, mse, hessian)"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--bias-correction");
        assertTrue(r.oneLineError() && r.err().contains("--bias-correction applies to a float model"), r.err());
    }

    private static ByteBuffer bytes(ByteBuffer b) {
        return b.duplicate().rewind();
    }
}
