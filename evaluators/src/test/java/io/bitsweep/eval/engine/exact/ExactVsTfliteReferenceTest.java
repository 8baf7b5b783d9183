package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.TfliteReferenceOracle;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code tflite-micro} profile: on every sample (every window, for AD) of the four MLPerf Tiny int8 models, the
 * exact engine's int8 outputs equal TF 2.21's reference kernels ({@code BUILTIN_REF}, the arithmetic TFLite Micro
 * runs) byte for byte. The oracle's input bytes are first checked to be the engine's own quantization of the data,
 * so the claim holds from the data set on. The {@code tflite-2.6} profile on the same inputs differs from the oracle
 * in the counted rows (all through CONV_2D's rounding; AD has none): the comparison can fail, and does for the other
 * profile.
 */
class ExactVsTfliteReferenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ic,  models/ic/pretrainedResnet_quant.tflite, data/ic01,  101",
        "kws, models/kws/kws_ref_model.tflite,         data/kws01, 325",
        "vww, models/vww/vww_96_int8.tflite,           data/vww01, 492",
        "ad,  models/ad/ad01_int8.tflite,              data/ad01,  0",
    })
    void tfliteMicroEqualsTheReferenceKernels(String task, String modelPath, String dataPath,
            int rowsDifferingUnderTflite26) {
        TfliteReferenceOracle.Result oracle = TfliteReferenceOracle.mlperfTiny(task);
        Model model = TfliteImporter.load(Assets.resolve(modelPath));
        Dataset data = Datasets.open(Assets.resolve(dataPath));
        ExactPredictor micro = new ExactPredictor(model, ExactOptions.of(Arithmetic.TFLITE_MICRO));
        ExactPredictor desktop = new ExactPredictor(model, ExactOptions.of(Arithmetic.TFLITE_2_6));
        assertEquals(data.size() * data.inputsPerSample(), oracle.rows(), task + ": oracle rows");
        float[] x = new float[data.inputSize()];
        byte[] q = new byte[micro.program().inputBytes()];
        byte[] ours = new byte[micro.outputSize()];
        List<String> mismatches = new ArrayList<>();
        int desktopDiffers = 0;
        int row = 0;
        for (int s = 0; s < data.size(); s++) {
            for (int w = 0; w < data.inputsPerSample(); w++, row++) {
                data.input(s, w, x);
                micro.program().quantizeInput(x, q);
                assertArrayEquals(oracle.input(row), q, task + ": the oracle's input bytes of " + data.id(s) + "#" + w);
                byte[] expected = oracle.output(row);
                micro.predictRaw(q, ours);
                if (!Arrays.equals(expected, ours)) {
                    mismatches.add(data.id(s) + "#" + w + ": " + Exactness.describe(expected, ours));
                }
                desktop.predictRaw(q, ours);
                desktopDiffers += Arrays.equals(expected, ours) ? 0 : 1;
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                task + ": " + mismatches.size() + " of " + row + " rows differ under tflite-micro");
        System.out.println(task + ": " + row + " rows byte-identical to BUILTIN_REF under tflite-micro; "
                + desktopDiffers + " differ under tflite-2.6");
        assertEquals(rowsDifferingUnderTflite26, desktopDiffers, task + ": rows differing under tflite-2.6");
    }
}
