package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.djl.DjlTflitePredictor;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15, "Float": on every generated Keras ImageNet-architecture model (random weights, BatchNorm recalibrated on
 * real images; docs/TOOLS.md), the float engine's outputs are within 1e-4 of DJL-TFLite's, relative to the largest
 * output, on every sample: the generator's real test images in the model's preprocessing, and for 96 px models also
 * VWW images from the assets.
 */
class ImageNetFloatVsDjlTest {
    private static final int VWW_IMAGES = 16;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "keras_mobilenet_v2_96,       true",
        "keras_mobilenet_v3_small_96, true",
        "keras_ops_mix_96,            true",
        "keras_fc_stack_96,           true",
        "keras_mobilenet_v2_160,      false",
    })
    void floatEngineMatchesDjl(String name, boolean vww) throws Exception {
        Path file = GeneratedModels.file(name, name + "_float.tflite");
        Npy.Array inputs = GeneratedModels.array(name, "inputs_f32.npy");
        List<float[]> samples = new ArrayList<>();
        for (int i = 0; i < inputs.shape()[0]; i++) {
            samples.add(GeneratedModels.row(inputs, i));
        }
        if (vww) {
            Dataset data = Datasets.open(Assets.resolve("data/vww01"));
            for (int s = 0; s < VWW_IMAGES; s++) {
                float[] x = new float[data.inputSize()];
                data.input(s, 0, x);
                samples.add(x);
            }
        }
        try (FloatEngine engine = FloatEngine.compile(TfliteImporter.load(file));
             DjlTflitePredictor djl = DjlTflitePredictor.open(file)) {
            float[] ours = new float[engine.outputSize()];
            float[] ref = new float[djl.outputSize()];
            double worst = 0;
            for (int s = 0; s < samples.size(); s++) {
                engine.predict(samples.get(s), ours);
                djl.predict(samples.get(s), ref);
                worst = Math.max(worst, GeneratedModels.assertCloseToReference(ours, ref, 1e-4,
                        name + " sample " + s + " against DJL"));
            }
            System.out.printf("%s: %d samples, worst difference %.3g of the largest output%n", name, samples.size(),
                    worst);
        }
    }
}
