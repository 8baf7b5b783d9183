package io.bitsweep.eval.quant;

import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration method {@code output}: the range of an activation tensor is the one that least disturbs the outputs
 * of the layers that read it. For each tensor read by CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layers, the
 * observed [min, max] is shrunk by a factor (both ends; 11 factors from 1 to 0.2, then 10 more at 0.008 around the
 * best), the tensor is rounded onto the grid of its format, the reading layers run in float (weights and fused
 * activation as in the float model), and the factor with the least summed squared error of their outputs against
 * the float outputs wins. Tensors read by no such layer get {@code mse}'s range. At most {@link #MAX_INPUTS} model
 * inputs of the calibration split are used (an even spread over AD's windows). Results are kept per (tensor, format),
 * so a search pays each once.
 */
final class OutputErrorSearch {
    static final int MAX_INPUTS = 1024;
    private static final int COARSE_STEPS = 11;
    private static final float FINE_STEP = 0.008f;

    private final Model model;
    private final LabelledSamples data;
    private final int from;
    private final int to;
    private final Map<Integer, List<Op>> readers = new LinkedHashMap<>();
    private final Map<String, Calibrator.Range> found = new HashMap<>();

    OutputErrorSearch(Model model, LabelledSamples data, int from, int to) {
        this.model = model;
        this.data = data;
        this.from = from;
        this.to = to;
        for (Op op : model.quantizableLayers()) {
            readers.computeIfAbsent(op.input(0), t -> new ArrayList<>()).add(op);
        }
    }

    /** Whether some weighted layer reads the tensor (else the caller falls back to another method). */
    boolean covers(int tensor) {
        return readers.containsKey(tensor);
    }

    /** The ranges of the given tensors in the given formats, searched for those not searched before. */
    synchronized Map<Integer, Calibrator.Range> ranges(Map<Integer, IntFormat> formats,
            Map<Integer, Calibrator.Range> observed) {
        Map<Integer, IntFormat> missing = new LinkedHashMap<>();
        formats.forEach((t, f) -> {
            if (!found.containsKey(key(t, f))) {
                missing.put(t, f);
            }
        });
        if (!missing.isEmpty()) {
            search(missing, observed);
        }
        Map<Integer, Calibrator.Range> out = new LinkedHashMap<>();
        formats.forEach((t, f) -> out.put(t, found.get(key(t, f))));
        return out;
    }

    private static String key(int tensor, IntFormat f) {
        return tensor + "|" + f.spec();
    }

    private void search(Map<Integer, IntFormat> tensors, Map<Integer, Calibrator.Range> observed) {
        Map<Op, FloatEngine> layers = new LinkedHashMap<>();
        tensors.keySet().forEach(t -> readers.get(t).forEach(op -> layers.put(op, FloatEngine.compile(
                new Model(model.source() + " [" + op.name() + "]", model.sha256(), model.tensors(), List.of(op),
                        new int[] {op.input(0)}, new int[] {op.output()})))));
        Map<Integer, float[]> coarse = new LinkedHashMap<>();
        for (int t : tensors.keySet()) {
            float[] f = new float[COARSE_STEPS];
            for (int i = 0; i < COARSE_STEPS; i++) {
                f[i] = 1f - 0.08f * i;
            }
            coarse.put(t, f);
        }
        Map<Integer, double[]> coarseErr = errors(tensors, coarse, observed, layers);
        Map<Integer, float[]> fine = new LinkedHashMap<>();
        for (int t : tensors.keySet()) {
            float center = coarse.get(t)[argmin(coarseErr.get(t))];
            List<Float> around = new ArrayList<>();
            for (int k = -5; k <= 5; k++) {
                float f = center + k * FINE_STEP;
                if (k != 0 && f > 0.2f - 1e-6f && f <= 1f) {
                    around.add(f);
                }
            }
            float[] a = new float[around.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = around.get(i);
            }
            fine.put(t, a);
        }
        Map<Integer, double[]> fineErr = errors(tensors, fine, observed, layers);
        tensors.forEach((t, f) -> {
            double[] ce = coarseErr.get(t);
            double[] fe = fineErr.get(t);
            int ci = argmin(ce);
            int fi = fe.length == 0 ? -1 : argmin(fe);
            float factor = fi >= 0 && fe[fi] < ce[ci] ? fine.get(t)[fi] : coarse.get(t)[ci];
            found.put(key(t, f), shrunk(observed.get(t), factor));
        });
    }

    /** Summed squared output error of every tensor's reading layers, per tensor and factor. */
    private Map<Integer, double[]> errors(Map<Integer, IntFormat> tensors, Map<Integer, float[]> factors,
            Map<Integer, Calibrator.Range> observed, Map<Op, FloatEngine> layers) {
        FloatEngine full = FloatEngine.compile(model);
        Map<Integer, double[]> err = new LinkedHashMap<>();
        Map<Integer, ActivationGrid[]> grids = new LinkedHashMap<>();
        tensors.forEach((t, f) -> {
            err.put(t, new double[factors.get(t).length]);
            ActivationGrid[] g = new ActivationGrid[factors.get(t).length];
            for (int i = 0; i < g.length; i++) {
                g[i] = ActivationGrid.of(shrunk(observed.get(t), factors.get(t)[i]), f);
            }
            grids.put(t, g);
        });
        Map<Op, float[]> outputs = new HashMap<>();
        layers.forEach((op, e) -> outputs.put(op, new float[e.outputSize()]));
        float[] in = new float[data.inputSize()];
        float[] out = new float[full.outputSize()];
        long inputs = (long) (to - from) * data.inputsPerSample();
        long stride = Math.max(1, (inputs + MAX_INPUTS - 1) / MAX_INPUTS);
        for (long n = 0; n < inputs; n += stride) {
            data.input(from + (int) (n / data.inputsPerSample()), (int) (n % data.inputsPerSample()), in);
            full.predict(in, out);
            for (int t : tensors.keySet()) {
                float[] x = full.tensorValues(t);
                float[] xq = new float[x.length];
                List<Op> ops = readers.get(t);
                float[][] reference = new float[ops.size()][];
                for (int k = 0; k < ops.size(); k++) {
                    reference[k] = full.tensorValues(ops.get(k).output()).clone();
                }
                ActivationGrid[] g = grids.get(t);
                double[] e = err.get(t);
                for (int i = 0; i < g.length; i++) {
                    for (int j = 0; j < x.length; j++) {
                        xq[j] = g[i].fakeQuantize(x[j]);
                    }
                    for (int k = 0; k < ops.size(); k++) {
                        float[] y = outputs.get(ops.get(k));
                        layers.get(ops.get(k)).predict(xq, y);
                        for (int j = 0; j < y.length; j++) {
                            double d = y[j] - reference[k][j];
                            e[i] += d * d;
                        }
                    }
                }
            }
        }
        return err;
    }

    private static Calibrator.Range shrunk(Calibrator.Range r, float factor) {
        return new Calibrator.Range(r.min() * factor, r.max() * factor);
    }

    private static int argmin(double[] e) {
        int best = 0;
        for (int i = 1; i < e.length; i++) {
            if (e[i] < e[best]) {
                best = i;
            }
        }
        return best;
    }
}
