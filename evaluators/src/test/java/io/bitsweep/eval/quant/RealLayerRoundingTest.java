package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.Tensor;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GPTQ and bias correction on every real layer of the float IC model (ResNet-8), calibrated on ic01 samples 0..31.
 * The layer output error of a quantized row on a set of inputs is {@code (w_q - w)ᵀ H (w_q - w)} with H the second
 * moment of the layer's inputs on that set: GPTQ must make it smaller than rounding to nearest on the same grid, also
 * on inputs it never saw (samples 100..199); bias correction must leave no mean output shift on the calibration
 * inputs beyond the int32 bias's own rounding.
 */
class RealLayerRoundingTest {
    static final LayerInputStatistics calibration = LayerInputStatistics.gather(ic, ic01, 0, 32);
    static final LayerInputStatistics heldOut = LayerInputStatistics.gather(ic, ic01, 100, 200);

    static QuantizedRows rows(Op op, IntFormat format, QuantSettings.WeightRounding rounding) {
        return RowQuantizer.quantize(ic, op, format, QuantSettings.WeightScales.MSE, rounding,
                calibration.layer(op.name()));
    }

    /** Summed over the layer's channels: the output error of the rows on inputs with second moment {@code h}. */
    static double outputError(Op op, QuantizedRows q, InputMoments inputs) {
        Layout layout = RowQuantizer.rowLayout(ic, op);
        float[] w = ic.weights(op).dequantize();
        float[] row = new float[q.length()];
        double total = 0;
        for (int c = 0; c < q.channels(); c++) {
            RowQuantizer.readRow(w, layout, c, row);
            double[] d = new double[row.length];
            for (int k = 0; k < row.length; k++) {
                d[k] = q.codes()[c * q.length() + k] * (double) q.scales()[c] - row[k];
            }
            DMatrixRMaj h = inputs.secondMoment(c);
            for (int i = 0; i < d.length; i++) {
                for (int j = 0; j < d.length; j++) {
                    total += d[i] * h.get(i, j) * d[j];
                }
            }
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(strings = {"int4", "int2"})
    void gptqLowersEveryLayersOutputErrorBelowNearestOnSeenAndUnseenInputs(String spec) {
        IntFormat format = (IntFormat) NumberFormat.parse(spec);
        StringBuilder report = new StringBuilder();
        for (Op op : ic.quantizableLayers()) {
            QuantizedRows nearest = rows(op, format, QuantSettings.WeightRounding.NEAREST);
            QuantizedRows gptq = rows(op, format, QuantSettings.WeightRounding.GPTQ);
            double seen = outputError(op, gptq, calibration.layer(op.name()))
                    / outputError(op, nearest, calibration.layer(op.name()));
            double unseen = outputError(op, gptq, heldOut.layer(op.name()))
                    / outputError(op, nearest, heldOut.layer(op.name()));
            report.append(String.format(Locale.ROOT, " %s %.2f/%.2f", op.name(), seen, unseen));
            assertTrue(seen < 1 && unseen < 1, spec + ", gptq/nearest output error (calibration/held-out):" + report);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"w=int4,a=int8:asym", "w=int2,a=int8:asym"})
    void biasCorrectionRemovesTheMeanOutputShift(String uniform) {
        for (boolean corrected : new boolean[] {false, true}) {
            Assignment a = ErrorCompensationTest.uniform(uniform, QuantSettings.WeightRounding.GPTQ, corrected);
            ProgramSpec p = Quantizer.quantize(ic, a, "x", ic01, 32);
            double worstLeft = 0;
            double shifted = 0;
            for (Op op : ic.quantizableLayers()) {
                Layout layout = RowQuantizer.rowLayout(ic, op);
                float[] w = ic.weights(op).dequantize();
                float[] wq = p.model().weights(op).dequantize();
                float[] b = ic.bias(op).orElseThrow().dequantize();
                Tensor biasQ = p.model().bias(op).orElseThrow();
                float[] bq = biasQ.dequantize();
                float[] biasSteps = biasQ.quant().orElseThrow().scales();
                float[] row = new float[layout.size() / layout.groups()];
                float[] rowQ = new float[row.length];
                for (int c = 0; c < b.length; c++) {
                    RowQuantizer.readRow(w, layout, c, row);
                    RowQuantizer.readRow(wq, layout, c, rowQ);
                    double[] mean = calibration.layer(op.name()).mean(c);
                    double shift = bq[c] - (double) b[c];
                    for (int k = 0; k < row.length; k++) {
                        shift += ((double) rowQ[k] - row[k]) * mean[k];
                    }
                    double biasStep = biasSteps[biasSteps.length == 1 ? 0 : c];
                    // what remains beyond half an int32 bias step, relative to that step
                    worstLeft = Math.max(worstLeft, (Math.abs(shift) - biasStep / 2) / biasStep);
                    shifted = Math.max(shifted, Math.abs(shift) / biasStep);
                }
            }
            if (corrected) {
                assertTrue(worstLeft < 1e-3, uniform + ": mean output shift left after bias correction: "
                        + worstLeft + " bias steps beyond half a step");
            } else {
                assertTrue(shifted > 10, uniform + ": without correction the largest mean shift is only " + shifted
                        + " bias steps (the test would not notice a correction that does nothing)");
            }
        }
    }
}
