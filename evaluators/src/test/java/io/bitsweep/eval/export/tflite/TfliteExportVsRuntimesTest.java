package io.bitsweep.eval.export.tflite;

import static io.bitsweep.eval.export.tflite.ExportPoints.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.TfliteReferenceOracle;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.DjlInt8Oracle;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.Exactness;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.quant.QuantSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14's "How we will know" for TFLite: the exported file, run by the runtime of the profile, gives the exact
 * engine's bytes on every sample (under DJL, whose int8 kernels are slow, only the first samples of VWW and AD).
 * The points ({@link ExportPoints}): the int8 model as it is, w8a8 with the search's symmetric int8 activations (IC)
 * or int8:asym (KWS), and a per-channel int8/int4/int2/pruned mix with int8:asym activations.
 * tflite-2.6: DJL-TFLite 2.6.2 equals the program as scored with {@code requant tflite} (each op kind rounded as
 * TFLite 2.6.2 rounds it; with another requant the rounding note says the runtime rounds otherwise, and the runtime
 * equals {@link TfliteExporter#asTfliteRuns}). tflite-micro: TF 2.21 {@code BUILTIN_REF} equals the program as
 * scored with the default requant, byte for byte
 * (skipped without {@code $BITSWEEP_TOOLS_PYTHON}, as the other oracle tests).
 */
class TfliteExportVsRuntimesTest {
    private static final Map<String, String> PROVENANCE = Map.of("run_id", "test");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "IC,  int8,    200",
        "IC,  w8a8sym, 200",
        "IC,  mixed,   200",
        "KWS, w8a8,    1000",
        "KWS, mixed,   1000",
        "VWW, mixed,   50",
        "AD,  mixed,   3",
    })
    void djlRunsTheExportAsTheEngineUnderTflite26(Task task, String point, int samples) throws Exception {
        ProgramSpec spec = ExportPoints.spec(task, point, Arithmetic.TFLITE_2_6, QuantSettings.Requant.TFLITE);
        assertEquals(Optional.empty(), TfliteExporter.roundingDifference(spec), "the program as scored is what runs");
        Path file = ExportPoints.writeExport(task, point, Arithmetic.TFLITE_2_6, TfliteExporter.write(spec,
                PROVENANCE));
        ExactPredictor engine = new ExactPredictor(spec);
        Dataset data = ExportPoints.data(task);
        long[] shape = Arrays.stream(spec.model().input().shape()).asLongStream().toArray();
        float[] x = new float[data.inputSize()];
        byte[] q = new byte[engine.program().inputBytes()];
        byte[] ours = new byte[engine.outputSize()];
        List<String> mismatches = new ArrayList<>();
        int rows = 0;
        try (DjlInt8Oracle djl = new DjlInt8Oracle(file, shape)) {
            for (int s = 0; s < Math.min(samples, data.size()); s++) {
                for (int w = 0; w < data.inputsPerSample(); w++, rows++) {
                    data.input(s, w, x);
                    engine.program().quantizeInput(x, q);
                    byte[] expected = djl.run(q);
                    engine.predictRaw(q, ours);
                    if (!Arrays.equals(expected, ours)) {
                        mismatches.add(data.id(s) + "#" + w + ": " + Exactness.describe(expected, ours));
                    }
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                task + " " + point + ": " + mismatches.size() + " of " + rows + " rows differ");
        System.out.println(task + " " + point + ": " + rows + " rows of DJL's run of the export byte-identical to "
                + "the engine under tflite-2.6 with requant tflite");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "IC,  w8a8sym",
        "IC,  mixed",
        "KWS, w8a8",
        "KWS, mixed",
        "VWW, mixed",
        "AD, mixed",
    })
    void builtinRefRunsTheExportAsTheEngineUnderTfliteMicro(Task task, String point) {
        ProgramSpec spec = ExportPoints.spec(task, point, Arithmetic.TFLITE_MICRO);
        assertEquals(Optional.empty(), TfliteExporter.roundingDifference(spec), "the program as scored is what runs");
        Path file = ExportPoints.writeExport(task, point, Arithmetic.TFLITE_MICRO, TfliteExporter.write(spec,
                PROVENANCE));
        TfliteReferenceOracle.Result oracle = TfliteReferenceOracle.model(file, Assets.resolve(task.data));
        ExactPredictor engine = new ExactPredictor(spec);
        Dataset data = ExportPoints.data(task);
        assertEquals(data.size() * data.inputsPerSample(), oracle.rows(), "oracle rows");
        float[] x = new float[data.inputSize()];
        byte[] q = new byte[engine.program().inputBytes()];
        byte[] ours = new byte[engine.outputSize()];
        List<String> mismatches = new ArrayList<>();
        int row = 0;
        for (int s = 0; s < data.size(); s++) {
            for (int w = 0; w < data.inputsPerSample(); w++, row++) {
                data.input(s, w, x);
                engine.program().quantizeInput(x, q);
                assertArrayEquals(oracle.input(row), q, "the oracle's input bytes of " + data.id(s) + "#" + w);
                engine.predictRaw(q, ours);
                if (!Arrays.equals(oracle.output(row), ours)) {
                    mismatches.add(data.id(s) + "#" + w + ": " + Exactness.describe(oracle.output(row), ours));
                }
            }
        }
        assertEquals(List.of(), mismatches.subList(0, Math.min(10, mismatches.size())),
                task + " " + point + ": " + mismatches.size() + " of " + row + " rows differ");
        System.out.println(task + " " + point + ": " + row + " rows of BUILTIN_REF's run of the export "
                + "byte-identical to the engine under tflite-micro");
    }
}
