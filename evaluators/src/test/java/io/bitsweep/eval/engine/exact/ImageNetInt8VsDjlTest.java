package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15, "Int8": on the generated full-int8 Keras models that TFLite 2.6.2 runs (dense layers per tensor; MEAN,
 * HARD_SWISH, squeeze-excite MULs, LOGISTIC, PAD, CONCATENATION, MAX_POOL_2D), the exact engine's output bytes equal
 * DJL-TFLite 2.6.2's, byte for byte, on the generator's real test images and, at 96 px, on VWW images. The engine
 * runs them in batches of {@link #BATCH} (the last one ragged), so the element ops' batched steps are checked too.
 */
class ImageNetInt8VsDjlTest {
    private static final int VWW_IMAGES = 24;
    private static final int BATCH = 5;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "keras_mobilenet_v2_96,       int8_fc_per_tensor, true",
        "keras_mobilenet_v3_small_96, int8,               true",
        "keras_ops_mix_96,            int8_fc_per_tensor, true",
        "keras_fc_stack_96,           int8_fc_per_tensor, true",
        "keras_mobilenet_v2_160,      int8_fc_per_tensor, false",
    })
    void int8OutputsAreByteIdenticalToTflite262(String name, String variant, boolean vww) throws Exception {
        Path file = GeneratedModels.file(name, name + "_" + variant + ".tflite");
        Model model = TfliteImporter.load(file);
        ExactPredictor exact = new ExactPredictor(model, ExactOptions.tflite().withBatchSize(BATCH));
        List<byte[]> samples = new ArrayList<>();
        Npy.Array inputs = GeneratedModels.array(name, "inputs_" + variant + ".npy");
        for (int i = 0; i < inputs.shape()[0]; i++) {
            samples.add(GeneratedModels.bytes(inputs, i));
        }
        if (vww) {
            Dataset data = Datasets.open(Assets.resolve("data/vww01"));
            float[] x = new float[data.inputSize()];
            for (int s = 0; s < VWW_IMAGES; s++) {
                data.input(s, 0, x);
                byte[] q = new byte[exact.program().inputBytes()];
                exact.program().quantizeInput(x, q);
                samples.add(q);
            }
        }
        long[] shape = Arrays.stream(model.input().shape()).asLongStream().toArray();
        byte[][] outputs = ExactCases.run(exact, samples.toArray(byte[][]::new));
        List<String> mismatches = new ArrayList<>();
        try (DjlInt8Oracle oracle = new DjlInt8Oracle(file, shape)) {
            for (int s = 0; s < samples.size(); s++) {
                byte[] expected = oracle.run(samples.get(s));
                byte[] ours = outputs[s];
                if (!Arrays.equals(expected, ours)) {
                    int diff = 0;
                    int maxAbs = 0;
                    for (int i = 0; i < ours.length; i++) {
                        diff += ours[i] != expected[i] ? 1 : 0;
                        maxAbs = Math.max(maxAbs, Math.abs(ours[i] - expected[i]));
                    }
                    mismatches.add("sample " + s + ": " + diff + " bytes differ, max |diff| " + maxAbs);
                }
            }
        }
        assertEquals(List.of(), mismatches, name + " " + variant + ": rows that differ from DJL-TFLite 2.6.2");
    }

    /**
     * The trap of STACK-NOTES: TF 2.21 quantizes FULLY_CONNECTED weights per channel by default, and TFLite 2.6.2
     * (DJL) loads that model but computes it with a zero scale, so every output is the output zero point. The exact
     * engine computes per-channel FC correctly: with TF 2.21's double rounding it equals TF 2.21's reference kernels
     * (BUILTIN_REF) byte for byte, on a model small enough (average pool, two FC layers) that nothing else differs.
     */
    @Test
    void perChannelFullyConnectedIsComputedAsTf221Does() throws Exception {
        String name = "keras_fc_stack_96";
        Path file = GeneratedModels.file(name, name + "_int8.tflite");
        Model model = TfliteImporter.load(file);
        assertTrue(model.weights(model.op("fully_connected_0").orElseThrow()).quant().orElseThrow().isPerChannel());
        ExactPredictor exact = new ExactPredictor(model, ExactOptions.uniform(RequantRounding.DOUBLE));
        Npy.Array inputs = GeneratedModels.array(name, "inputs_int8.npy");
        Npy.Array expected = GeneratedModels.array(name, "ref_int8_builtin_ref.npy");
        int outputZeroPoint = (int) model.output().quant().orElseThrow().zeroPoint(0);
        byte[] ours = new byte[exact.outputSize()];
        long[] shape = Arrays.stream(model.input().shape()).asLongStream().toArray();
        try (DjlInt8Oracle djl = new DjlInt8Oracle(file, shape)) {
            for (int s = 0; s < inputs.shape()[0]; s++) {
                byte[] in = GeneratedModels.bytes(inputs, s);
                exact.predictRaw(in, ours);
                assertArrayEquals(GeneratedModels.bytes(expected, s), ours, "sample " + s + " against TF 2.21");
                for (byte b : djl.run(in)) {
                    assertEquals(outputZeroPoint, b, "DJL-TFLite 2.6.2 no longer gives the zero point everywhere");
                }
            }
        }
    }
}
