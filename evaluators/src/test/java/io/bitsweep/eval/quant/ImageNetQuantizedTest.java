package io.bitsweep.eval.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quantization assignments on ImageNet-architecture float models, ONNX and TFLite: every new op (MUL by a sigmoid or
 * hard-sigmoid gate, HARD_SWISH, LOGISTIC, MEAN, PAD, CONCATENATION, explicit pads, folded BatchNorm) goes through
 * the quantizer and the exact engine, and w=int8,a=int8 tracks the float engine on real VWW images. (Random-weight
 * BatchNorm networks track int8 only loosely, docs/TOOLS.md: TFLite's own int8 models reach a mean correlation of
 * 0.63-0.82 with float; the bound here is 0.5.)
 */
class ImageNetQuantizedTest {
    private static final int CALIBRATION = 32;
    private static final int IMAGES = 8;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "tv_resnet18_96,              tv_resnet18_96.onnx",
        "tv_mobilenet_v3_small_96,    tv_mobilenet_v3_small_96.onnx",
        "tv_efficientnet_b0_96,       tv_efficientnet_b0_96.onnx",
        "tv_ops_mix_96,               tv_ops_mix_96.onnx",
        "keras_mobilenet_v3_small_96, keras_mobilenet_v3_small_96_float.tflite",
        "keras_ops_mix_96,            keras_ops_mix_96_float.tflite",
    })
    void int8AssignmentTracksFloat(String name, String file) {
        Model model = ModelFiles.load(GeneratedModels.file(name, file));
        Dataset vww = Datasets.open(Assets.resolve("data/vww01"));
        ExactPredictor exact = Quantizer.predictor(model, Assignment.parseUniform("w=int8,a=int8"), "test", vww,
                CALIBRATION);
        double sum = 0;
        try (FloatEngine fp = FloatEngine.compile(model)) {
            float[] x = new float[vww.inputSize()];
            float[] a = new float[fp.outputSize()];
            float[] b = new float[exact.outputSize()];
            for (int s = 0; s < IMAGES; s++) {
                vww.input(CALIBRATION + s, 0, x);
                fp.predict(x, a);
                exact.predict(x, b);
                sum += correlation(a, b);
            }
        }
        double mean = sum / IMAGES;
        System.out.printf("%s: w=int8,a=int8 against float, mean correlation %.3f%n", name, mean);
        assertTrue(mean > 0.5, name + ": mean correlation " + mean);
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
