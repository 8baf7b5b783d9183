package io.bitsweep.eval.quant;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.FashionMnist;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Prints docs/ACCURACY.md's post-training table: per task and uniform format, rounding to nearest (max-abs and mse
 * scales) against GPTQ rounding, with and without bias correction, on the exact engine; activations calibrated with
 * the mse method. Calibration and scoring are disjoint where the data set permits (KWS, VWW: calibrate on samples
 * 0..199, score 200..999; AD: calibrate on files 0..31, all normal, score 32..247; Fashion-MNIST: calibrate on
 * training images 0..511, score the 10k test images); IC has only 200 images: calibrated on 0..31, all 200 scored.
 * A measurement program, not a test: {@code java -cp <test classpath> io.bitsweep.eval.quant.PtqAccuracyTable
 * [TASK...]}.
 */
public final class PtqAccuracyTable {
    record Task(String name, Path model, Path data, Path calibration, int calibrationFrom, int calibrationTo,
                int evaluationFrom) {}

    record Method(String name, QuantSettings.WeightScales scales, QuantSettings.WeightRounding rounding,
                  boolean biasCorrection) {}

    static final List<String> FORMATS = List.of("w=int8,a=int8:asym", "w=int4,a=int8:asym", "w=int2,a=int8:asym",
            "w=int4,a=int4:asym");
    static final List<Method> METHODS = List.of(
            new Method("nearest, max-abs", QuantSettings.WeightScales.MINMAX, QuantSettings.WeightRounding.NEAREST, false),
            new Method("nearest, mse", QuantSettings.WeightScales.MSE, QuantSettings.WeightRounding.NEAREST, false),
            new Method("nearest, mse, bias corr.", QuantSettings.WeightScales.MSE, QuantSettings.WeightRounding.NEAREST, true),
            new Method("gptq, mse", QuantSettings.WeightScales.MSE, QuantSettings.WeightRounding.GPTQ, false),
            new Method("gptq, mse, bias corr.", QuantSettings.WeightScales.MSE, QuantSettings.WeightRounding.GPTQ, true),
            new Method("gptq, hessian, bias corr.", QuantSettings.WeightScales.HESSIAN, QuantSettings.WeightRounding.GPTQ,
                    true));

    static List<Task> tasks() {
        Path a = Assets.dir();
        Path fm = FashionMnist.models();
        return List.of(
                new Task("IC", a.resolve("models/ic/pretrainedResnet.tflite"), a.resolve("data/ic01"),
                        a.resolve("data/ic01"), 0, 32, 0),
                new Task("KWS", a.resolve("models/kws/kws_ref_model_fp32.tflite"), a.resolve("data/kws01"),
                        a.resolve("data/kws01"), 0, 200, 200),
                new Task("VWW", a.resolve("models/vww/vww_96_float.tflite"), a.resolve("data/vww01"),
                        a.resolve("data/vww01"), 0, 200, 200),
                new Task("AD", a.resolve("models/ad/ad01_fp32.tflite"), a.resolve("data/ad01"),
                        a.resolve("data/ad01"), 0, 32, 32),
                new Task("FMNIST", fm.resolve("fmnist_resnet8_float.tflite"), FashionMnist.TEST_IMAGES,
                        FashionMnist.TRAIN_IMAGES, 0, 512, 0));
    }

    public static void main(String[] args) {
        List<String> only = List.of(args);
        StringBuilder head = new StringBuilder("| task | format | float");
        METHODS.forEach(m -> head.append(" | ").append(m.name()));
        System.out.println(head.append(" |"));
        for (Task t : tasks()) {
            if (!only.isEmpty() && !only.contains(t.name())) {
                continue;
            }
            Model model = TfliteImporter.load(t.model());
            Dataset data = Datasets.open(t.data());
            Dataset cal = t.calibration().equals(t.data()) ? data : Datasets.open(t.calibration());
            long start = System.nanoTime();
            Calibrator.Observations obs = Calibrator.observe(model, cal, t.calibrationFrom(), t.calibrationTo(),
                    QuantSettings.CalibrationMethod.MSE);
            LayerInputStatistics stats = LayerInputStatistics.gather(model, cal, t.calibrationFrom(),
                    t.calibrationTo());
            WeightRows rows = WeightRows.memoized(model, stats);
            System.err.printf(Locale.ROOT, "%s: calibration and input statistics in %.1f s%n", t.name(),
                    (System.nanoTime() - start) / 1e9);
            String floatCell = cell(FloatEngine.compile(model), data, t.evaluationFrom());
            for (String f : FORMATS) {
                StringBuilder row = new StringBuilder("| " + t.name() + " | " + f + " | " + floatCell);
                for (Method m : METHODS) {
                    Assignment u = Assignment.parseUniform(f);
                    Assignment a = u.withSettings(u.settings()
                            .withCalibration(new QuantSettings.Calibration(QuantSettings.CalibrationMethod.MSE, 99.99))
                            .withWeightScales(m.scales()).withWeightRounding(m.rounding())
                            .withBiasCorrection(m.biasCorrection()));
                    long q = System.nanoTime();
                    ExactPredictor p = new ExactPredictor(Quantizer.quantize(model, a, f, obs, rows));
                    double quantizeSeconds = (System.nanoTime() - q) / 1e9;
                    row.append(" | ").append(cell(p, data, t.evaluationFrom()));
                    System.err.printf(Locale.ROOT, "%s %s %s: quantized in %.1f s%n", t.name(), f, m.name(),
                            quantizeSeconds);
                }
                System.out.println(row.append(" |"));
            }
        }
    }

    static String cell(Predictor p, Dataset data, int from) {
        try (p) {
            Evaluation.Result r = Evaluation.run(p, data, from, 0, false);
            return r.isAnomalyDetection() ? String.format(Locale.ROOT, "%.4f", r.auc())
                    : String.format(Locale.ROOT, "%.1f%%", 100 * r.accuracy().value());
        }
    }
}
