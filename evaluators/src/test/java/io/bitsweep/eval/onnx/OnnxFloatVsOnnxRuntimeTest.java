package io.bitsweep.eval.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.TensorLayout;
import io.bitsweep.eval.ort.OnnxRuntimePredictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15, "Float", ONNX: on every generated torchvision model (random weights, BatchNorm recalibrated on real
 * images; docs/TOOLS.md) the float engine, running the imported NHWC IR, is within 1e-4 of ONNX Runtime (Java API,
 * running the NCHW file) relative to the largest output, on every sample: the generator's real test images and VWW
 * images. ONNX Runtime's Java outputs also equal the Python ONNX Runtime's reference outputs the generator saved.
 */
class OnnxFloatVsOnnxRuntimeTest {
    private static final int VWW_IMAGES = 16;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tv_resnet18_96", "tv_mobilenet_v2_96", "tv_mobilenet_v3_small_96", "tv_efficientnet_b0_96",
        "tv_ops_mix_96"})
    void floatEngineMatchesOnnxRuntime(String name) throws Exception {
        Path file = GeneratedModels.file(name, name + ".onnx");
        Model model = OnnxImporter.load(file);
        assertEquals(TensorLayout.NCHW, model.inputLayout());
        Npy.Array inputs = GeneratedModels.array(name, "inputs_f32.npy");
        Npy.Array reference = GeneratedModels.array(name, "ref_onnxruntime.npy");
        int[] nhwc = model.input().shape();
        List<float[]> samples = new ArrayList<>();
        for (int i = 0; i < inputs.shape()[0]; i++) {
            float[] x = new float[GeneratedModels.row(inputs, i).length];
            TensorLayout.NCHW.toNhwc(GeneratedModels.row(inputs, i), nhwc, x);
            samples.add(x);
        }
        Dataset data = Datasets.open(Assets.resolve("data/vww01"));
        for (int s = 0; s < VWW_IMAGES; s++) {
            float[] x = new float[data.inputSize()];
            data.input(s, 0, x);
            samples.add(x);
        }
        try (FloatEngine engine = FloatEngine.compile(model);
             OnnxRuntimePredictor ort = OnnxRuntimePredictor.open(file)) {
            float[] ours = new float[engine.outputSize()];
            float[] ref = new float[ort.outputSize()];
            double worst = 0;
            for (int s = 0; s < samples.size(); s++) {
                engine.predict(samples.get(s), ours);
                ort.predict(samples.get(s), ref);
                if (s < inputs.shape()[0]) { // ONNX Runtime 1.23 (Java) against 1.30 (the generator's Python)
                    GeneratedModels.assertCloseToReference(ref, GeneratedModels.row(reference, s), 1e-4,
                            name + " sample " + s + ": ONNX Runtime Java against Python");
                }
                worst = Math.max(worst, GeneratedModels.assertCloseToReference(ours, ref, 1e-4,
                        name + " sample " + s + " against ONNX Runtime"));
            }
            System.out.printf("%s: %d samples, worst difference %.3g of the largest output%n", name, samples.size(),
                    worst);
        }
    }
}
