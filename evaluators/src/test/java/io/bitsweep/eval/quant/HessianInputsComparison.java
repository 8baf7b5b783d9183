package io.bitsweep.eval.quant;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures which inputs H should see (docs/ASSIGNMENT.md, "Which inputs H sees"): the float model's, as the search
 * uses, or the inputs of the model whose earlier layers are already quantized (GPTQ's sequential order: layer k's
 * statistics are gathered on the float model with layers 0..k-1 replaced by their quantized weights and corrected
 * biases; activations stay float). Same tasks and splits as {@link PtqAccuracyTable}; GPTQ with mse scales and bias
 * correction, activations calibrated with mse. A measurement program:
 * {@code java -cp <test classpath> io.bitsweep.eval.quant.HessianInputsComparison [TASK...]}.
 */
public final class HessianInputsComparison {
    public static void main(String[] args) {
        List<String> only = List.of(args);
        System.out.println("| task | format | H from float inputs | H from quantized-so-far inputs |");
        for (PtqAccuracyTable.Task t : PtqAccuracyTable.tasks()) {
            if (!only.isEmpty() && !only.contains(t.name())) {
                continue;
            }
            Model model = TfliteImporter.load(t.model());
            Dataset data = Datasets.open(t.data());
            Dataset cal = t.calibration().equals(t.data()) ? data : Datasets.open(t.calibration());
            Calibrator.Observations obs = Calibrator.observe(model, cal, t.calibrationFrom(), t.calibrationTo(),
                    QuantSettings.CalibrationMethod.MSE);
            LayerInputStatistics floatInputs = LayerInputStatistics.gather(model, cal, t.calibrationFrom(),
                    t.calibrationTo());
            for (String f : List.of("w=int4,a=int8:asym", "w=int2,a=int8:asym")) {
                Assignment u = Assignment.parseUniform(f);
                Assignment a = u.withSettings(u.settings()
                        .withCalibration(new QuantSettings.Calibration(QuantSettings.CalibrationMethod.MSE, 99.99))
                        .withWeightScales(QuantSettings.WeightScales.MSE)
                        .withWeightRounding(QuantSettings.WeightRounding.GPTQ).withBiasCorrection(true));
                LayerInputStatistics sequential = sequential(model, (IntFormat) a.defaultWeights(), a.settings(), cal,
                        t.calibrationFrom(), t.calibrationTo());
                String fromFloat = PtqAccuracyTable.cell(new ExactPredictor(Quantizer.quantize(model, a, f, obs,
                        WeightRows.memoized(model, floatInputs))), data, t.evaluationFrom());
                String fromQuantized = PtqAccuracyTable.cell(new ExactPredictor(Quantizer.quantize(model, a, f, obs,
                        WeightRows.memoized(model, sequential))), data, t.evaluationFrom());
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", t.name(), f, fromFloat, fromQuantized);
            }
        }
    }

    /** Each layer's statistics gathered on the float model with the layers before it quantized. */
    static LayerInputStatistics sequential(Model f, IntFormat w, QuantSettings s, Dataset cal, int from, int to) {
        Map<String, InputMoments> moments = new LinkedHashMap<>();
        Model current = f;
        for (Op op : f.quantizableLayers()) {
            InputMoments m = LayerInputStatistics.gather(current, cal, from, to, List.of(op)).layer(op.name());
            moments.put(op.name(), m);
            QuantizedRows rows = RowQuantizer.quantize(f, op, w, s.weightScales(), s.weightRounding(), m);
            current = withQuantizedLayer(current, op, rows, s.biasCorrection());
        }
        return new LayerInputStatistics(moments, to - from);
    }

    /** The model with one layer's weights replaced by its quantized rows (as floats) and its bias corrected. */
    static Model withQuantizedLayer(Model m, Op op, QuantizedRows rows, boolean biasCorrection) {
        List<Tensor> tensors = new ArrayList<>(m.tensors());
        Tensor w = m.weights(op);
        Layout layout = NumberFormat.parse("int8").layout(w.shape(),
                new Granularity.PerChannel(Model.outputChannelAxis(op.type())));
        float[] values = new float[layout.size()];
        for (int c = 0; c < layout.groups(); c++) {
            int k = c * rows.length();
            for (int r = 0; r < layout.runs(); r++) {
                for (int t = 0, i = layout.base(c) + r * layout.runStride(); t < layout.runLength(c);
                        t++, i += layout.elementStride()) {
                    values[i] = (float) ((double) rows.codes()[k++] * rows.scales()[c]);
                }
            }
        }
        tensors.set(w.index(), floatTensor(w, values));
        m.bias(op).ifPresent(b -> {
            float[] bias = b.dequantize();
            for (int c = 0; c < bias.length && biasCorrection; c++) {
                bias[c] = (float) (bias[c] - rows.outputShift()[c]);
            }
            tensors.set(b.index(), floatTensor(b, bias));
        });
        return new Model(m.source(), m.sha256(), tensors, m.ops(), m.inputIndices(), m.outputIndices());
    }

    private static Tensor floatTensor(Tensor like, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(like.index(), like.name(), like.shape(), DType.FLOAT32, null, b.array());
    }
}
