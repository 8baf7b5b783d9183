package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.onnx.proto.OnnxProto.ModelProto;
import io.bitsweep.search.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model} takes .onnx files in inspect, eval and hwsim; ONNX bad input is one line with a non-zero exit
 * (issue 15, "Bad input"): an op outside the list, an opset too old or too new, a truncated file, a dynamic spatial
 * input shape; and the TFLite reference engine refuses an ONNX model by name.
 */
class OnnxModelCliTest {
    @TempDir
    Path dir;

    private Path write(String name, ModelProto m) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, m.toByteArray());
        return file;
    }

    private String error(Path model) {
        CliRun r = CliRun.run(new InspectCommand(), "--model", model.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit(), r.err());
        assertTrue(r.oneLineError(), r.err());
        return r.err().strip();
    }

    @Test
    void inspectShowsTheNhwcIrOfAnNchwModel() throws Exception {
        Path file = write("cnn.onnx", OnnxTestModels.vwwCnn());
        CliRun r = CliRun.run(new InspectCommand(), "--model", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("input:  [1,96,96,3] float32 (file: NCHW [1,3,96,96]; shapes below are NHWC)"),
                r.out());
        assertTrue(r.out().contains("depthwise_conv_2d_0  DEPTHWISE_CONV_2D  [1,48,48,8]"), r.out());
        assertTrue(r.out().contains("relu6"), r.out());
    }

    @Test
    void floatEngineAndOnnxRuntimeGiveTheSameAccuracy() throws Exception {
        Path file = write("cnn.onnx", OnnxTestModels.vwwCnn());
        String data = Assets.resolve("data/vww01").toString();
        CliRun ours = CliRun.run(new EvalCommand(), "--model", file.toString(), "--data", data, "--limit", "40");
        CliRun ort = CliRun.run(new EvalCommand(), "--model", file.toString(), "--data", data, "--limit", "40",
                "--engine", "onnxruntime");
        assertEquals(0, ours.exit(), ours.err());
        assertEquals(0, ort.exit(), ort.err());
        assertTrue(ours.out().startsWith("accuracy: "), ours.out());
        assertEquals(ort.out(), ours.out());
    }

    @Test
    void unsupportedOpIsNamedWithTheSupportedList() throws Exception {
        String e = error(write("erf.onnx", OnnxTestModels.vwwCnn(17, "N", 96, "Erf")));
        assertTrue(e.startsWith("error: model " + dir.resolve("erf.onnx") + " uses unsupported op Erf (node 'act3'; "
                + "supported: Conv, Gemm, MatMul, BatchNormalization, Relu, Clip, HardSwish, HardSigmoid, Sigmoid, "), e);
    }

    @Test
    void opsetsOutsideTheSupportedRangeAreRefused() throws Exception {
        for (int opset : new int[] {9, 30}) {
            Path file = write("opset" + opset + ".onnx", OnnxTestModels.vwwCnn(opset, "N", 96, "Relu"));
            assertEquals("error: model " + file + " has opset " + opset + " (supported: ai.onnx 11..21)", error(file));
        }
    }

    @Test
    void aTruncatedFileIsNamed() throws Exception {
        byte[] whole = OnnxTestModels.vwwCnn().toByteArray();
        Path file = dir.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        String e = error(file);
        assertTrue(e.startsWith("error: model " + file + " is truncated or corrupt"), e);
    }

    @Test
    void aDynamicSpatialShapeIsRefused() throws Exception {
        Path file = write("dynamic.onnx", OnnxTestModels.vwwCnn(17, "N", -1, "Relu"));
        assertEquals("error: model " + file + " input 'input' has a dynamic spatial shape [N,3,H,96] (supported: "
                + "static channels, height and width; a symbolic batch is taken as 1)", error(file));
    }

    @Test
    void theTfliteReferenceRefusesAnOnnxModel() throws Exception {
        Path file = write("cnn.onnx", OnnxTestModels.vwwCnn());
        CliRun r = CliRun.run(new EvalCommand(), "--model", file.toString(), "--data",
                Assets.resolve("data/vww01").toString(), "--engine", "djl");
        assertTrue(r.oneLineError(), r.err());
        assertEquals("error: engine djl runs tflite models, and " + file + " is onnx (use onnxruntime)",
                r.err().strip());
    }

    @Test
    void aFileOfNeitherFormatIsNamed() throws Exception {
        Path file = dir.resolve("model.bin");
        Files.writeString(file, "not a model");
        assertEquals("error: model " + file + " is neither a TFLite model (file identifier \"TFL3\") nor an ONNX "
                + "model (.onnx) (supported: .tflite, .onnx)", error(file));
    }
}
