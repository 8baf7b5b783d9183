package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * THE bit-exactness test: on every sample (every window, for AD) of the four MLPerf Tiny int8 models, the exact
 * engine's int8 output bytes equal DJL-TFLite 2.6.2's, byte for byte.
 */
class ExactVsDjlTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ic,  models/ic/pretrainedResnet_quant.tflite, data/ic01",
        "kws, models/kws/kws_ref_model.tflite,         data/kws01",
        "vww, models/vww/vww_96_int8.tflite,           data/vww01",
        "ad,  models/ad/ad01_int8.tflite,              data/ad01",
    })
    void int8OutputsAreByteIdenticalToTflite(String task, String modelPath, String dataPath) throws Exception {
        Path file = Assets.resolve(modelPath);
        Model model = TfliteImporter.load(file);
        Dataset data = Datasets.open(Assets.resolve(dataPath));
        ExactPredictor exact = new ExactPredictor(model, ExactOptions.tflite());
        long[] shape = Arrays.stream(model.input().shape()).asLongStream().toArray();
        float[] x = new float[data.inputSize()];
        byte[] q = new byte[exact.program().inputBytes()];
        byte[] ours = new byte[exact.outputSize()];
        int rows = 0;
        List<String> mismatches = new ArrayList<>();
        try (DjlInt8Oracle oracle = new DjlInt8Oracle(file, shape)) {
            for (int s = 0; s < data.size(); s++) {
                for (int w = 0; w < data.inputsPerSample(); w++) {
                    data.input(s, w, x);
                    exact.program().quantizeInput(x, q);
                    byte[] expected = oracle.run(q);
                    exact.predictRaw(q, ours);
                    rows++;
                    if (!Arrays.equals(expected, ours)) {
                        int diff = 0;
                        int maxAbs = 0;
                        for (int i = 0; i < ours.length; i++) {
                            if (ours[i] != expected[i]) {
                                diff++;
                                maxAbs = Math.max(maxAbs, Math.abs(ours[i] - expected[i]));
                            }
                        }
                        mismatches.add(data.id(s) + "#" + w + ": " + diff + " bytes differ, max |diff| " + maxAbs);
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                task + ": " + mismatches.size() + " of " + rows + " rows differ");
        System.out.println(task + ": " + rows + " rows byte-identical");
    }
}
