package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.predictors.Predictors;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.List;
import java.util.Locale;

/**
 * Prints the docs/ACCURACY.md table: every MLPerf Tiny task, float against uniform assignments on the exact engine,
 * calibrated on the first 32 samples. A measurement program, not a test: run with
 * {@code java -cp <test classpath> io.bitsweep.eval.quant.AccuracyTable [UNIFORM...]}; with arguments, only those
 * uniform configurations are measured (no float or int8-model columns).
 */
public final class AccuracyTable {
    private static final List<String> CONFIGS = List.of("w=int8,a=int8:asym", "w=int4,a=int8:asym",
            "w=int2,a=int8:asym", "w=int4,a=int4:asym", "w=bfp:m8:b16,a=bfp:m8:b16", "w=bfp:m4:b16,a=bfp:m4:b16",
            "w=mxint8,a=mxint8", "w=mxfp4_e2m1,a=mxfp4_e2m1");

    public static void main(String[] args) {
        List<String> configs = args.length > 0 ? List.of(args) : CONFIGS;
        String[][] tasks = {
            {"IC", "models/ic/pretrainedResnet.tflite", "models/ic/pretrainedResnet_quant.tflite", "data/ic01"},
            {"KWS", "models/kws/kws_ref_model_fp32.tflite", "models/kws/kws_ref_model.tflite", "data/kws01"},
            {"VWW", "models/vww/vww_96_float.tflite", "models/vww/vww_96_int8.tflite", "data/vww01"},
            {"AD", "models/ad/ad01_fp32.tflite", "models/ad/ad01_int8.tflite", "data/ad01"},
        };
        for (String[] t : tasks) {
            Model model = TfliteImporter.load(Assets.resolve(t[1]));
            Dataset data = Datasets.open(Assets.resolve(t[3]));
            StringBuilder row = new StringBuilder("| " + t[0]);
            if (args.length == 0) {
                row.append(" | ").append(line(Predictors.open("float", Assets.resolve(t[1])), data));
                row.append(" | ").append(line(Predictors.open("exact", Assets.resolve(t[2])), data));
            }
            for (String c : configs) {
                String cell;
                try {
                    cell = line(Quantizer.predictor(model, Assignment.parseUniform(c), c, data, 32), data);
                } catch (BitSweepException e) {
                    cell = "n/a (" + e.getMessage() + ")";
                }
                row.append(" | ").append(cell);
            }
            System.out.println(row.append(" |"));
        }
    }

    private static String line(Predictor p, Dataset data) {
        try (p) {
            Evaluation.Result r = Evaluation.run(p, data, 0, false);
            return r.isAnomalyDetection() ? String.format(Locale.ROOT, "%.4f", r.auc())
                    : String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy().value());
        }
    }
}
