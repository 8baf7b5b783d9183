package io.bitsweep.eval.quant;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Activation ranges of a float model observed on a calibration split: the model input and every op output. Two
 * passes over the split: min/max, then a 2048-bin histogram over [min, max] per tensor, from which
 * {@link QuantSettings.CalibrationMethod#PERCENTILE} takes the two tails and {@link QuantSettings.CalibrationMethod#MSE}
 * picks the clipping range with the least expected quantization error for the tensor's format;
 * {@link QuantSettings.CalibrationMethod#OUTPUT} picks, for tensors that weighted layers read, the range with the
 * least error of those layers' outputs ({@link OutputErrorSearch}), and mse's for the others.
 */
public final class Calibrator {
    static final int BINS = 2048;
    private static final IntFormat INT8 = (IntFormat) NumberFormat.parse("int8:asym");

    /** A real-valued range [min, max] that always contains 0. */
    public record Range(float min, float max) {
        public Range {
            min = Math.min(min, 0f);
            max = Math.max(max, 0f);
        }
    }

    /** The observations of one tensor. */
    static final class Observed {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        final long[] histogram = new long[BINS];
        long count;

        void minMax(float[] v) {
            for (float x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }

        void histogram(float[] v) {
            float width = max - min;
            if (!(width > 0)) {
                count += v.length;
                histogram[0] += v.length;
                return;
            }
            float k = BINS / width;
            for (float x : v) {
                int b = (int) ((x - min) * k);
                histogram[Math.max(0, Math.min(BINS - 1, b))]++;
            }
            count += v.length;
        }

        float binCenter(int b) {
            return min + (b + 0.5f) * (max - min) / BINS;
        }
    }

    private Calibrator() {}

    /**
     * @param samples number of first samples of {@code data} in the split (all windows of each sample)
     * @param formats the format of each observed tensor (used by the mse and output methods)
     */
    public static Map<Integer, Range> calibrate(Model model, Dataset data, int samples,
            QuantSettings.Calibration method, Map<Integer, NumberFormat> formats) {
        return observe(model, data, 0, Math.min(samples, data.size()), method.method()).ranges(method, formats);
    }

    /**
     * Runs the float model over samples {@code [from, to)} of {@code data} and keeps what {@code method} needs:
     * min/max, plus the histograms for percentile and MSE. The observations do not depend on the formats, so one
     * observation serves every candidate of a search ({@link Observations#ranges}).
     */
    public static Observations observe(Model model, LabelledSamples data, int from, int to,
            QuantSettings.CalibrationMethod method) {
        FloatEngine engine = FloatEngine.compile(model);
        int[] tensors = observedTensors(model);
        Map<Integer, Observed> obs = new LinkedHashMap<>();
        for (int t : tensors) {
            obs.put(t, new Observed());
        }
        float[] in = new float[data.inputSize()];
        float[] out = new float[engine.outputSize()];
        for (int pass = 0; pass < (method == QuantSettings.CalibrationMethod.MINMAX ? 1 : 2); pass++) {
            for (int s = from; s < to; s++) {
                for (int w = 0; w < data.inputsPerSample(); w++) {
                    data.input(s, w, in);
                    engine.predict(in, out);
                    for (int t : tensors) {
                        float[] v = engine.tensorValues(t);
                        if (pass == 0) {
                            obs.get(t).minMax(v);
                        } else {
                            obs.get(t).histogram(v);
                        }
                    }
                }
            }
        }
        return new Observations(method, obs, method == QuantSettings.CalibrationMethod.OUTPUT
                ? new OutputErrorSearch(model, data, from, to) : null);
    }

    /**
     * What one calibration pass saw of every observed tensor. Read-only after {@link #observe}, but for the output
     * method's searched ranges, which are kept as they are asked for; safe to share between threads.
     */
    public static final class Observations {
        private final QuantSettings.CalibrationMethod method;
        private final Map<Integer, Observed> observed;
        private final OutputErrorSearch outputSearch;

        private Observations(QuantSettings.CalibrationMethod method, Map<Integer, Observed> observed,
                OutputErrorSearch outputSearch) {
            this.method = method;
            this.observed = observed;
            this.outputSearch = outputSearch;
        }

        /**
         * The calibrated range of every observed tensor.
         *
         * @param formats each tensor's activation format (block formats are carried as int8:asym); the mse method
         *                uses its number of levels, the output method its grid (absent: int8)
         */
        public Map<Integer, Range> ranges(QuantSettings.Calibration calibration, Map<Integer, NumberFormat> formats) {
            if (calibration.method() != method) {
                throw new IllegalArgumentException("observed for " + method + ", asked for " + calibration.method());
            }
            Map<Integer, IntFormat> carried = new LinkedHashMap<>();
            observed.keySet().forEach(t -> carried.put(t, carriedFormat(formats.get(t))));
            Map<Integer, Range> searched = Map.of();
            if (method == QuantSettings.CalibrationMethod.OUTPUT) {
                Map<Integer, IntFormat> read = new LinkedHashMap<>();
                Map<Integer, Range> minMax = new LinkedHashMap<>();
                carried.forEach((t, f) -> {
                    if (outputSearch.covers(t)) {
                        read.put(t, f);
                        minMax.put(t, new Range(observed.get(t).min, observed.get(t).max));
                    }
                });
                searched = outputSearch.ranges(read, minMax);
            }
            Map<Integer, Range> ranges = new LinkedHashMap<>();
            for (Map.Entry<Integer, Observed> e : observed.entrySet()) {
                Observed o = e.getValue();
                ranges.put(e.getKey(), switch (method) {
                    case MINMAX -> new Range(o.min, o.max);
                    case PERCENTILE -> percentile(o, calibration.percentile());
                    case MSE -> mse(o, levels(carried.get(e.getKey())));
                    case OUTPUT -> searched.containsKey(e.getKey()) ? searched.get(e.getKey())
                            : mse(o, levels(carried.get(e.getKey())));
                });
            }
            return ranges;
        }

        private static IntFormat carriedFormat(NumberFormat f) {
            return f == null ? INT8 : ActivationGrid.carried(f) instanceof IntFormat i ? i : INT8;
        }

        private static int levels(IntFormat f) {
            return f.qmax() - f.qmin() + 1;
        }
    }

    /** The model input and every op's output. */
    static int[] observedTensors(Model model) {
        LinkedHashSet<Integer> ts = new LinkedHashSet<>();
        ts.add(model.input().index());
        for (Op op : model.ops()) {
            ts.add(op.output());
        }
        return ts.stream().mapToInt(Integer::intValue).toArray();
    }

    static Range percentile(Observed o, double p) {
        long lowCount = (long) Math.floor(o.count * (100 - p) / 100);
        long highCount = lowCount;
        float lo = o.min;
        float hi = o.max;
        long acc = 0;
        for (int b = 0; b < BINS; b++) {
            acc += o.histogram[b];
            if (acc > lowCount) {
                lo = o.min + (float) b * (o.max - o.min) / BINS;
                break;
            }
        }
        acc = 0;
        for (int b = BINS - 1; b >= 0; b--) {
            acc += o.histogram[b];
            if (acc > highCount) {
                hi = o.min + (float) (b + 1) * (o.max - o.min) / BINS;
                break;
            }
        }
        return new Range(lo, hi);
    }

    /**
     * Searches a shrink factor of the observed range (100 steps from 1 down to 0.2, applied to both ends) that
     * minimises the expected squared error: clipping error outside, uniform rounding noise (step^2/12) inside.
     */
    static Range mse(Observed o, int levels) {
        Range best = new Range(o.min, o.max);
        double bestErr = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 100; i++) {
            double f = 1.0 - 0.008 * i;
            double lo = Math.min(0, o.min * f);
            double hi = Math.max(0, o.max * f);
            double step = (hi - lo) / (levels - 1);
            if (!(step > 0)) {
                continue;
            }
            double err = 0;
            for (int b = 0; b < BINS; b++) {
                if (o.histogram[b] == 0) {
                    continue;
                }
                double x = o.binCenter(b);
                double e = x < lo ? (lo - x) * (lo - x) : x > hi ? (x - hi) * (x - hi) : step * step / 12;
                err += e * o.histogram[b];
            }
            if (err < bestErr) {
                bestErr = err;
                best = new Range((float) lo, (float) hi);
            }
        }
        return best;
    }
}
