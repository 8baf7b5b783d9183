package io.bitsweep.eval.quant;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import java.util.HashMap;
import java.util.Map;

/** The one entry point from (float model, assignment, calibration split) to a bit-exact predictor. */
public final class Quantizer {
    /** Samples of the calibration split used when the caller does not say. */
    public static final int DEFAULT_CALIBRATION_SAMPLES = 32;

    private Quantizer() {}

    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source, Dataset calibration,
            int calibrationSamples) {
        return quantize(floatModel, assignment, source, calibration, 0, calibrationSamples);
    }

    /** The same, calibrated on samples {@code [calibrationOffset, calibrationOffset + calibrationSamples)}. */
    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source, Dataset calibration,
            int calibrationOffset, int calibrationSamples) {
        return quantize(floatModel, assignment, source, Calibrator.observe(floatModel, calibration, calibrationOffset,
                Math.min(calibrationOffset + calibrationSamples, calibration.size()),
                assignment.settings().calibration().method()));
    }

    /**
     * The same, from observations made once for many assignments (the search calibrates once per run and shard):
     * the result equals {@link #quantize(Model, Assignment, String, Dataset, int)} on the same samples.
     */
    public static ProgramSpec quantize(Model floatModel, Assignment assignment, String source,
            Calibrator.Observations calibration) {
        QuantPlan plan = QuantPlan.resolve(assignment, floatModel, source);
        Map<Integer, Integer> levels = new HashMap<>();
        ProgramSpecBuilder.activationFormats(floatModel, plan).forEach((t, f) -> levels.put(t, levels(f)));
        return ProgramSpecBuilder.build(floatModel, plan, calibration.ranges(assignment.settings().calibration(), levels));
    }

    public static ExactPredictor predictor(Model floatModel, Assignment assignment, String source,
            Dataset calibration, int calibrationSamples) {
        return new ExactPredictor(quantize(floatModel, assignment, source, calibration, calibrationSamples));
    }

    private static int levels(NumberFormat f) {
        return f instanceof IntFormat i ? i.qmax() - i.qmin() + 1 : 256;
    }
}
