package io.bitsweep.eval.quant;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;

/** The one entry point from (float model, assignment, calibration split) to a bit-exact predictor. */
public final class Quantizer {
    /** Samples of the calibration split used when the caller does not say. */
    public static final int DEFAULT_CALIBRATION_SAMPLES = 32;

    private Quantizer() {}

    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source,
            LabelledSamples calibration, int calibrationSamples) {
        return quantize(floatModel, assignment, source, calibration, 0, calibrationSamples);
    }

    /**
     * The same, calibrated on samples {@code [calibrationOffset, calibrationOffset + calibrationSamples)}: activation
     * ranges, and the layers' input statistics when the settings need them (GPTQ rounding, bias correction, hessian
     * weight scales).
     */
    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source,
            LabelledSamples calibration, int calibrationOffset, int calibrationSamples) {
        int to = Math.min(calibrationOffset + calibrationSamples, calibration.size());
        QuantSettings s = assignment.settings();
        return quantize(floatModel, assignment, source,
                Calibrator.observe(floatModel, calibration, calibrationOffset, to, s.calibration().method()),
                WeightRows.memoized(floatModel, s.needsInputStatistics()
                        ? LayerInputStatistics.gather(floatModel, calibration, calibrationOffset, to) : null));
    }

    /**
     * The same, from observations and weight rows made once for many assignments (the search calibrates once per
     * run and shard, and computes each weight row once): the result equals
     * {@link #quantize(Model, Assignment, String, LabelledSamples, int, int)} on the same samples.
     */
    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source,
            Calibrator.Observations calibration, WeightRows rows) {
        QuantPlan plan = QuantPlan.resolve(assignment, floatModel, source);
        return ProgramSpecBuilder.build(floatModel, plan, calibration.ranges(assignment.settings().calibration(),
                ProgramSpecBuilder.activationFormats(floatModel, plan)), rows);
    }

    public static ExactPredictor predictor(Model floatModel, Assignment assignment, String source,
            Dataset calibration, int calibrationSamples) {
        return new ExactPredictor(quantize(floatModel, assignment, source, calibration, calibrationSamples));
    }
}
