package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.correct;
import static io.bitsweep.eval.quant.IcResNet8.floatCorrect;
import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Calibration method {@code output}: activation ranges chosen by the error of the layers that read them. */
class OutputCalibrationTest {
    /** Squared output error of the layer when its input is rounded onto the grid of {@code range}. */
    static double layerError(GptqReferenceTest.Layer l, Calibrator.Range range, IntFormat f) {
        Model m = l.model();
        FloatEngine engine = FloatEngine.compile(m);
        ActivationGrid g = ActivationGrid.of(range, f);
        float[] y = new float[engine.outputSize()];
        float[] yq = new float[engine.outputSize()];
        double e = 0;
        for (float[] x : l.inputs()) {
            engine.predict(x, y);
            float[] xq = x.clone();
            for (int i = 0; i < xq.length; i++) {
                xq[i] = g.fakeQuantize(xq[i]);
            }
            engine.predict(xq, yq);
            for (int i = 0; i < y.length; i++) {
                e += (yq[i] - y[i]) * (double) (yq[i] - y[i]);
            }
        }
        return e;
    }

    @Test
    void theSearchedRangeDisturbsTheReadingLayerLessThanMinMaxAndMse() {
        GptqReferenceTest.Layer l = GptqReferenceTest.layer(21, 4, 6, 3, 1, 8, 16);
        int input = l.model().input().index();
        for (String spec : List.of("int4:asym", "int3:asym", "int4")) {
            IntFormat f = (IntFormat) NumberFormat.parse(spec);
            Map<Integer, NumberFormat> formats = Map.of(input, f, l.op().output(), f);
            Calibrator.Range output = range(l, QuantSettings.CalibrationMethod.OUTPUT, formats, input);
            Calibrator.Range minMax = range(l, QuantSettings.CalibrationMethod.MINMAX, formats, input);
            Calibrator.Range mse = range(l, QuantSettings.CalibrationMethod.MSE, formats, input);
            double eo = layerError(l, output, f);
            assertTrue(eo <= layerError(l, minMax, f), spec + ": output " + eo + " vs minmax " + layerError(l, minMax, f));
            assertTrue(eo <= layerError(l, mse, f), spec + ": output " + eo + " vs mse " + layerError(l, mse, f));
            // the layer's output is read by no weighted layer: it gets mse's range
            assertEquals(range(l, QuantSettings.CalibrationMethod.MSE, formats, l.op().output()),
                    range(l, QuantSettings.CalibrationMethod.OUTPUT, formats, l.op().output()));
        }
    }

    static Calibrator.Range range(GptqReferenceTest.Layer l, QuantSettings.CalibrationMethod method,
            Map<Integer, NumberFormat> formats, int tensor) {
        return Calibrator.observe(l.model(), GptqReferenceTest.samples(l.inputs()), 0, l.inputs().length, method)
                .ranges(new QuantSettings.Calibration(method, 99.99), formats).get(tensor);
    }

    @Test
    void outputCalibrationRunsTheIcModelFromAnAssignment() {
        Assignment a = AssignmentJson.parse("""
                {"schema": "bitsweep.assignment/1", "defaults": {"weights": "int8", "activations": "int8:asym"},
                 "calibration": {"method": "output"}}""", "a.json");
        int q = correct(new ExactPredictor(Quantizer.quantize(ic, a, "a.json", ic01, 32)));
        assertTrue(floatCorrect - q <= 3, "w8a8 with output calibration: " + q + " vs float " + floatCorrect);
    }
}
