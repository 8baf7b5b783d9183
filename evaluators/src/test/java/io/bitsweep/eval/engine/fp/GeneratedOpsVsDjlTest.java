package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.djl.DjlTflitePredictor;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.tflite.TfliteBuilder;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops and options no MLPerf Tiny model uses (QUANTIZE, DEQUANTIZE, MAX_POOL_2D, fused RELU6, a pool with SAME
 * padding), in a generated model that both the importer and DJL-TFLite read: the float engine must give TFLite's
 * outputs on random inputs.
 */
class GeneratedOpsVsDjlTest {
    @TempDir
    Path dir;

    /** x [1,5,5,3] -> QUANTIZE (int8, scale 0.05, zp 3) -> DEQUANTIZE -> MAX_POOL 2x2/2 SAME RELU6 -> AVG_POOL 2x2/1 VALID. */
    private Path model() throws Exception {
        TfliteBuilder b = new TfliteBuilder();
        int x = b.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, 5, 5, 3);
        int q = b.tensor("q", TfliteBuilder.INT8, 0.05f, 3, 1, 5, 5, 3);
        int d = b.tensor("d", TfliteBuilder.FLOAT32, 0f, 0, 1, 5, 5, 3);
        int m = b.tensor("m", TfliteBuilder.FLOAT32, 0f, 0, 1, 3, 3, 3);
        int a = b.tensor("a", TfliteBuilder.FLOAT32, 0f, 0, 1, 2, 2, 3);
        b.op(114, new int[] {x}, new int[] {q})
                .op(6, new int[] {q}, new int[] {d})
                .op(TfliteBuilder.MAX_POOL_2D, new int[] {d}, new int[] {m}, TfliteBuilder.OPTIONS_POOL2D,
                        b.pool2dOptions(TfliteBuilder.SAME, 2, 2, TfliteBuilder.RELU6))
                .op(1, new int[] {m}, new int[] {a}, TfliteBuilder.OPTIONS_POOL2D,
                        b.pool2dOptions(TfliteBuilder.VALID, 1, 2, TfliteBuilder.NONE))
                .io(new int[] {x}, new int[] {a});
        Path file = dir.resolve("generated.tflite");
        Files.write(file, b.finish());
        return file;
    }

    @Test
    void importerReadsTheGeneratedOps() throws Exception {
        Model m = TfliteImporter.load(model());
        assertEquals(List.of("quantize_0", "dequantize_0", "max_pool_2d_0", "average_pool_2d_0"), m.layerNames());
        assertEquals(DType.INT8, m.output(m.op("quantize_0").orElseThrow()).dtype());
        assertEquals(QuantParams.perTensor(0.05f, 3), m.output(m.op("quantize_0").orElseThrow()).quant().orElseThrow());
        assertEquals(new OpOptions.Pool(Padding.SAME, 2, 2, 2, 2, Activation.RELU6),
                m.op("max_pool_2d_0").orElseThrow().options());
        assertEquals(new OpOptions.Pool(Padding.VALID, 1, 1, 2, 2, Activation.NONE),
                m.op("average_pool_2d_0").orElseThrow().options());
    }

    @Test
    void floatEngineGivesTflitesOutputs() throws Exception {
        Path file = model();
        Random random = new Random(42);
        float[] in = new float[75];
        float[] ours = new float[12];
        float[] ref = new float[12];
        try (FloatEngine engine = FloatEngine.compile(TfliteImporter.load(file));
             DjlTflitePredictor djl = DjlTflitePredictor.open(file)) {
            for (int trial = 0; trial < 50; trial++) {
                for (int i = 0; i < in.length; i++) {
                    in[i] = -2f + 10f * random.nextFloat(); // beyond RELU6 and beyond the int8 range (max 6.2)
                }
                engine.predict(in, ours);
                djl.predict(in, ref);
                for (int i = 0; i < ours.length; i++) {
                    assertEquals(ref[i], ours[i], 1e-6f, "trial " + trial + " output " + i);
                    assertTrue(ours[i] >= 0f && ours[i] <= 6f);
                }
            }
        }
    }
}
