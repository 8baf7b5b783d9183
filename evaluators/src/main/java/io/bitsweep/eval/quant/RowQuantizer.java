package io.bitsweep.eval.quant;

import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import org.ejml.data.DMatrixRMaj;

/**
 * Quantizes every output channel's weight row of one layer in one symmetric integer format: chooses each row's clip
 * (hence its scale), rounds the row onto that grid (to nearest, or with GPTQ error compensation), and, given the
 * layer's calibration statistics, records how far each quantized row moves the channel's mean output (for bias
 * correction) and its H-weighted error. Rows are independent of each other given the statistics, which is what lets
 * a search compute them once ({@link WeightRows}).
 */
final class RowQuantizer {
    /** Clip levels tried by the mse and hessian scale searches: 100% of max |w| down to 30%, in 2% steps. */
    private static final float[] CLIP_GRID = clipGrid();

    private final IntFormat format;
    private final QuantSettings.WeightScales scales;
    private final QuantSettings.WeightRounding rounding;
    private final InputMoments moments;

    private RowQuantizer(IntFormat format, QuantSettings.WeightScales scales, QuantSettings.WeightRounding rounding,
            InputMoments moments) {
        this.format = format;
        this.scales = scales;
        this.rounding = rounding;
        this.moments = moments;
    }

    /**
     * The rows of {@code op} in {@code format}; {@code moments} may be null only for nearest rounding with max-abs
     * or mse scales (then the rows carry no output shift or loss).
     */
    static QuantizedRows quantize(Model model, Op op, IntFormat format, QuantSettings.WeightScales scales,
            QuantSettings.WeightRounding rounding, InputMoments moments) {
        if (moments == null && (rounding == QuantSettings.WeightRounding.GPTQ
                || scales == QuantSettings.WeightScales.HESSIAN)) {
            throw new IllegalArgumentException(op.name() + ": " + rounding + " rounding with " + scales
                    + " scales needs calibration statistics");
        }
        return new RowQuantizer(format, scales, rounding, moments).quantize(model, op);
    }

    /**
     * The rows of a tensor: each group of {@code layout} is one row, its elements in layout order; {@code moments}
     * describe the vectors the rows multiply (their length is the row length).
     */
    static QuantizedRows quantize(float[] values, Layout layout, IntFormat format, QuantSettings.WeightScales scales,
            QuantSettings.WeightRounding rounding, InputMoments moments) {
        return new RowQuantizer(format, scales, rounding, moments).quantize(values, layout);
    }

    private QuantizedRows quantize(Model model, Op op) {
        return quantize(model.weights(op).dequantize(), rowLayout(model, op));
    }

    /** The layout whose groups are {@code op}'s output channels, each in the weights' reduction order. */
    static Layout rowLayout(Model model, Op op) {
        return NumberFormat.parse("int8").layout(model.weights(op).shape(),
                new Granularity.PerChannel(Model.outputChannelAxis(op.type())));
    }

    private QuantizedRows quantize(float[] values, Layout layout) {
        int channels = layout.groups();
        int length = layout.size() / channels;
        int[] codes = new int[channels * length];
        float[] scaleOf = new float[channels];
        double[] shift = moments == null ? null : new double[channels];
        double[] loss = moments == null ? null : new double[channels];
        float[] row = new float[length];
        int[] rowCodes = new int[length];
        double[] work = new double[length];
        for (int c = 0; c < channels; c++) {
            readRow(values, layout, c, row);
            InputMoments.Factor factor = moments == null ? null : moments.factor(c);
            boolean compensate = rounding == QuantSettings.WeightRounding.GPTQ && factor != null;
            float clip = clip(row, c, factor, compensate, rowCodes, work);
            float scale = format.symmetricScale(clip);
            double rowLoss = compensate ? ErrorCompensatingRounding.round(row, format, scale, factor, rowCodes, work)
                    : roundToNearest(row, clip, scale, rowCodes);
            System.arraycopy(rowCodes, 0, codes, c * length, length);
            scaleOf[c] = scale;
            if (moments != null) {
                shift[c] = outputShift(row, rowCodes, scale, moments.mean(c));
                loss[c] = compensate ? rowLoss : weightedError(row, rowCodes, scale, moments.secondMoment(c));
            }
        }
        return new QuantizedRows(length, codes, scaleOf, shift, loss);
    }

    /** Channel c's weights in the layout's order, which is the weights' reduction order. */
    static void readRow(float[] values, Layout layout, int c, float[] row) {
        int base = layout.base(c);
        int k = 0;
        for (int r = 0; r < layout.runs(); r++) {
            for (int t = 0, i = base + r * layout.runStride(); t < layout.runLength(c); t++, i += layout.elementStride()) {
                row[k++] = values[i];
            }
        }
    }

    /**
     * The clip level of a row: its max |w| (minmax), the grid level with the least squared weight error after
     * rounding to nearest (mse), or the one with the least H-weighted error of the row as it will be rounded
     * (hessian: after GPTQ when compensating, else after rounding to nearest).
     */
    private float clip(float[] row, int c, InputMoments.Factor factor, boolean compensate, int[] codes,
            double[] work) {
        float maxAbs = 0f;
        for (float v : row) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        if (scales == QuantSettings.WeightScales.MINMAX || maxAbs == 0f) {
            return maxAbs;
        }
        float best = maxAbs;
        double bestErr = Double.POSITIVE_INFINITY;
        for (float g : CLIP_GRID) {
            float clip = maxAbs * g;
            float scale = format.symmetricScale(clip);
            double err;
            if (scales == QuantSettings.WeightScales.MSE) {
                roundToNearest(row, clip, scale, codes);
                err = squaredError(row, codes, scale);
            } else if (compensate) {
                err = ErrorCompensatingRounding.round(row, format, scale, factor, codes, work);
            } else {
                roundToNearest(row, clip, scale, codes);
                err = weightedError(row, codes, scale, moments.secondMoment(c));
            }
            if (err < bestErr) {
                bestErr = err;
                best = clip;
            }
        }
        return best;
    }

    /** Each weight clipped to ±clip and rounded to nearest on its own: the classic rounding. Returns 0. */
    private double roundToNearest(float[] row, float clip, float scale, int[] codes) {
        for (int k = 0; k < row.length; k++) {
            codes[k] = format.symmetricCode(Math.max(-clip, Math.min(clip, row[k])), scale);
        }
        return 0;
    }

    private static double squaredError(float[] row, int[] codes, float scale) {
        double err = 0;
        for (int k = 0; k < row.length; k++) {
            // as the float path compares them: the dequantized float against the weight
            double d = (float) ((double) codes[k] * scale) - row[k];
            err += d * d;
        }
        return err;
    }

    /** {@code (w_q - w)ᵀ H (w_q - w)}. */
    private static double weightedError(float[] row, int[] codes, float scale, DMatrixRMaj h) {
        int n = row.length;
        double[] d = new double[n];
        for (int k = 0; k < n; k++) {
            d[k] = codes[k] * (double) scale - row[k];
        }
        double err = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0, at = i * n; j < n; j++, at++) {
                s += h.data[at] * d[j];
            }
            err += d[i] * s;
        }
        return err;
    }

    /** {@code (w_q - w) · E[x]}. */
    private static double outputShift(float[] row, int[] codes, float scale, double[] mean) {
        double s = 0;
        for (int k = 0; k < row.length; k++) {
            s += (codes[k] * (double) scale - row[k]) * mean[k];
        }
        return s;
    }

    private static float[] clipGrid() {
        float[] g = new float[36];
        for (int i = 0; i < g.length; i++) {
            g[i] = 1f - 0.02f * i;
        }
        return g;
    }
}
