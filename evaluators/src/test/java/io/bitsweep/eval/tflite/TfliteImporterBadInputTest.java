package io.bitsweep.eval.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad model files give one-line errors that name the file and what is wrong. */
class TfliteImporterBadInputTest {
    @TempDir
    Path dir;

    private String failure(byte[] bytes, String name) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteImporter.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedModel() throws Exception {
        byte[] full = Files.readAllBytes(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        for (int length : new int[] {full.length / 2, full.length - 100, 64}) {
            String msg = failure(Arrays.copyOf(full, length), "cut" + length + ".tflite");
            assertTrue(msg.contains("truncated or corrupt"), msg);
        }
    }

    @Test
    void nonTfliteFile() throws Exception {
        String msg = failure(Files.readAllBytes(Assets.resolve("models/ic/pretrainedResnet.h5")), "model.tflite");
        assertTrue(msg.contains("is not a TFLite model (file identifier is not \"TFL3\")"), msg);
        msg = failure("hi".getBytes(StandardCharsets.US_ASCII), "tiny.tflite");
        assertTrue(msg.contains("is not a TFLite model (only 2 bytes)"), msg);
    }

    @Test
    void unsupportedOpIsNamedWithTheSupportedList() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        int y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        b.op(TfliteBuilder.TANH, new int[] {x}, new int[] {y}).io(new int[] {x}, new int[] {y});
        String msg = failure(b.finish(), "tanh.tflite");
        assertTrue(msg.endsWith("uses unsupported op TANH (supported: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, "
                + "MUL, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, PAD, CONCATENATION, RESHAPE, HARD_SWISH, LOGISTIC, SOFTMAX, "
                + "QUANTIZE, DEQUANTIZE)"), msg);
    }

    @Test
    void convWeightsThatDoNotFitTheInputAreAShapeMismatch() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 4, 4, 3);
        int w = b.constant("w", new float[2 * 3 * 3 * 5], 2, 3, 3, 5); // 5 input channels, input has 3
        int y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 4, 4, 2);
        b.op(TfliteBuilder.CONV_2D, new int[] {x, w, -1}, new int[] {y}, TfliteSchema.OPTIONS_CONV2D,
                b.conv2dOptions(0, 1, 0)).io(new int[] {x}, new int[] {y});
        String msg = failure(b.finish(), "badconv.tflite");
        assertTrue(msg.endsWith("layer conv_2d_0: shape mismatch: weights [2,3,3,5] expect 5 input channels, "
                + "input is [1,4,4,3]"), msg);
    }

    @Test
    void wrongOutputShapeIsAShapeMismatch() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 5, 5, 2);
        int y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 2, 2, 2); // SAME stride 2 gives 3x3
        b.op(TfliteBuilder.MAX_POOL_2D, new int[] {x}, new int[] {y}, TfliteSchema.OPTIONS_POOL2D,
                b.pool2dOptions(0, 2, 2, 0)).io(new int[] {x}, new int[] {y});
        String msg = failure(b.finish(), "badpool.tflite");
        assertTrue(msg.contains("layer max_pool_2d_0: shape mismatch: input [1,5,5,2] with kernel 2x2, stride 2x2, "
                + "SAME gives [1,3,3,2], but the output is [1,2,2,2]"), msg);
    }

    @Test
    void modelInputsAndOutputsMustBeTensorsOfTheModel() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        int y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        b.op(TfliteBuilder.DEQUANTIZE, new int[] {x}, new int[] {y}).io(new int[] {x}, new int[] {7});
        assertTrue(failure(b.finish(), "badout.tflite").endsWith("badout.tflite is corrupt: its output is tensor 7 of 2"));
        b = new TfliteBuilder();
        x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 4);
        b.op(TfliteBuilder.DEQUANTIZE, new int[] {x}, new int[] {y}).io(new int[] {}, new int[] {y});
        assertTrue(failure(b.finish(), "noin.tflite").endsWith(
                "noin.tflite has no input tensor (supported: models with at least one input)"));
    }

    @Test
    void depthwiseInputWithoutChannelsIsAShapeMismatch() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 4, 4, 0);
        int w = b.constant("w", new float[3 * 3 * 2], 1, 3, 3, 2);
        int y = b.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, 4, 4, 2);
        b.op(TfliteBuilder.DEPTHWISE_CONV_2D, new int[] {x, w, -1}, new int[] {y}, TfliteBuilder.OPTIONS_DEPTHWISE,
                b.depthwiseOptions(TfliteBuilder.SAME, 1, 1, TfliteBuilder.NONE)).io(new int[] {x}, new int[] {y});
        String msg = failure(b.finish(), "dw0.tflite");
        assertTrue(msg.endsWith("layer depthwise_conv_2d_0: shape mismatch: weights [1,3,3,2] do not fit input "
                + "[1,4,4,0] (expected [1,kh,kw,Cin*multiplier])"), msg);
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.tflite");
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteImporter.load(file));
        assertEquals("model file " + file + " not found", e.getMessage());
    }
}
