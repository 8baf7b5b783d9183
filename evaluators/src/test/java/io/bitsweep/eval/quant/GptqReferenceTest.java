package io.bitsweep.eval.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.tflite.TfliteBuilder;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Error-compensating rounding and bias correction on random conv layers, against a straightforward double-precision
 * reference written from the definitions: im2col patches by direct loops, H = mean of x xᵀ, then Optimal Brain
 * Quantization with an explicitly inverted H that is updated (one Gaussian elimination step) after every weight.
 * The production code takes none of these steps the same way (EJML rank-k updates, GPTQ's Cholesky form), so equal
 * codes mean both compute the definition.
 */
class GptqReferenceTest {
    /** A random layer: conv kxk, stride, SAME padding, Cin -> Cout, on HxW inputs; its calibration inputs. */
    record Layer(Model model, Op op, float[][] weights, float[] bias, int h, int w, int cin, int k, int stride,
                 float[][] inputs) {}

    static Layer layer(long seed, int cin, int cout, int k, int stride, int hw, int samples) {
        SplittableRandom r = new SplittableRandom(seed);
        int taps = k * k * cin;
        float[] w = new float[cout * taps];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * (1 + 3 * (i % 7 == 0 ? 1 : 0))); // a few large weights per row
        }
        float[] b = new float[cout];
        for (int c = 0; c < cout; c++) {
            b[c] = (float) r.nextGaussian();
        }
        TfliteBuilder tb = new TfliteBuilder();
        int x = tb.tensor("x", TfliteBuilder.FLOAT32, 0f, 0, 1, hw, hw, cin);
        int wt = tb.constant("w", w, cout, k, k, cin);
        int bt = tb.constant("b", b, cout);
        int outHw = (hw + stride - 1) / stride;
        int y = tb.tensor("y", TfliteBuilder.FLOAT32, 0f, 0, 1, outHw, outHw, cout);
        tb.op(TfliteBuilder.CONV_2D, new int[] {x, wt, bt}, new int[] {y}, TfliteBuilder.OPTIONS_CONV2D,
                tb.conv2dOptions(TfliteBuilder.SAME, stride, TfliteBuilder.NONE)).io(new int[] {x}, new int[] {y});
        Model m = TfliteImporter.read(tb.finish(), "random conv " + seed);
        // Correlated, non-centred inputs: channel c = shared component + its own, plus an offset.
        float[][] in = new float[samples][hw * hw * cin];
        for (float[] s : in) {
            for (int p = 0; p < hw * hw; p++) {
                double shared = r.nextGaussian();
                for (int c = 0; c < cin; c++) {
                    s[p * cin + c] = (float) (0.8 * shared + 0.6 * r.nextGaussian() + 0.3 * c);
                }
            }
        }
        float[][] rows = new float[cout][];
        for (int c = 0; c < cout; c++) {
            rows[c] = Arrays.copyOfRange(w, c * taps, (c + 1) * taps);
        }
        return new Layer(m, m.quantizableLayers().get(0), rows, b, hw, hw, cin, k, stride, in);
    }

    static LabelledSamples samples(float[][] inputs) {
        return new LabelledSamples() {
            @Override
            public TaskKind kind() {
                return TaskKind.IC;
            }

            @Override
            public int size() {
                return inputs.length;
            }

            @Override
            public int label(int sample) {
                return 0;
            }

            @Override
            public int inputsPerSample() {
                return 1;
            }

            @Override
            public int inputSize() {
                return inputs[0].length;
            }

            @Override
            public void input(int sample, int window, float[] dst) {
                System.arraycopy(inputs[sample], 0, dst, 0, dst.length);
            }
        };
    }

    /** All im2col patches of all samples, by direct loops: [patch][kh, kw, cin], zeros at padding. */
    static double[][] patches(Layer l) {
        int out = (l.h() + l.stride() - 1) / l.stride();
        int pad = Math.max(0, (out - 1) * l.stride() + l.k() - l.h()) / 2;
        int taps = l.k() * l.k() * l.cin();
        double[][] x = new double[l.inputs().length * out * out][taps];
        int n = 0;
        for (float[] s : l.inputs()) {
            for (int oy = 0; oy < out; oy++) {
                for (int ox = 0; ox < out; ox++, n++) {
                    for (int ky = 0; ky < l.k(); ky++) {
                        for (int kx = 0; kx < l.k(); kx++) {
                            int iy = oy * l.stride() - pad + ky;
                            int ix = ox * l.stride() - pad + kx;
                            for (int c = 0; c < l.cin(); c++) {
                                boolean inside = iy >= 0 && iy < l.h() && ix >= 0 && ix < l.w();
                                x[n][(ky * l.k() + kx) * l.cin() + c] = inside ? s[(iy * l.w() + ix) * l.cin() + c] : 0;
                            }
                        }
                    }
                }
            }
        }
        return x;
    }

    static double[][] secondMoment(double[][] x) {
        int k = x[0].length;
        double[][] h = new double[k][k];
        for (double[] v : x) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    h[i][j] += v[i] * v[j] / x.length;
                }
            }
        }
        return h;
    }

    /** Gauss-Jordan with partial pivoting. */
    static double[][] inverse(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int p = col;
            for (int i = col + 1; i < n; i++) {
                if (Math.abs(m[i][col]) > Math.abs(m[p][col])) {
                    p = i;
                }
            }
            double[] t = m[p];
            m[p] = m[col];
            m[col] = t;
            double d = m[col][col];
            for (int j = 0; j < 2 * n; j++) {
                m[col][j] /= d;
            }
            for (int i = 0; i < n; i++) {
                if (i != col && m[i][col] != 0) {
                    double f = m[i][col];
                    for (int j = 0; j < 2 * n; j++) {
                        m[i][j] -= f * m[col][j];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inv[i], 0, n);
        }
        return inv;
    }

    /**
     * OBQ: H dampened by 1% of its mean diagonal; weights taken in order of decreasing H_ii; after rounding weight j,
     * every remaining weight moves by -(w_j - q_j) / Hinv_jj * Hinv_jk, and j is eliminated from Hinv.
     */
    static int[] referenceGptq(float[] row, double[][] h, IntFormat f, double scale) {
        int n = row.length;
        double mean = IntStream.range(0, n).mapToDouble(i -> h[i][i]).sum() / n;
        double[][] hd = new double[n][];
        for (int i = 0; i < n; i++) {
            hd[i] = h[i].clone();
            hd[i][i] += 0.01 * mean;
        }
        double[][] inv = inverse(hd);
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> -h[i][i]))
                .toArray(Integer[]::new);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = row[i];
        }
        boolean[] done = new boolean[n];
        int[] codes = new int[n];
        for (int j : order) {
            codes[j] = f.symmetricCode(w[j], scale);
            double e = (w[j] - codes[j] * scale) / inv[j][j];
            done[j] = true;
            for (int k = 0; k < n; k++) {
                if (!done[k]) {
                    w[k] -= e * inv[j][k];
                }
            }
            double[] rowJ = inv[j].clone();
            double d = inv[j][j];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    inv[a][b] -= rowJ[a] * rowJ[b] / d;
                }
            }
        }
        return codes;
    }

    static double weightedError(float[] row, int[] codes, double scale, double[][] h) {
        double e = 0;
        for (int i = 0; i < row.length; i++) {
            for (int j = 0; j < row.length; j++) {
                e += (codes[i] * scale - row[i]) * h[i][j] * (codes[j] * scale - row[j]);
            }
        }
        return e;
    }

    static QuantizedRows rows(Layer l, String format, QuantSettings.WeightScales scales,
            QuantSettings.WeightRounding rounding) {
        LayerInputStatistics stats = LayerInputStatistics.gather(l.model(), samples(l.inputs()), 0, l.inputs().length);
        return RowQuantizer.quantize(l.model(), l.op(), (IntFormat) NumberFormat.parse(format), scales, rounding,
                stats.layer(l.op().name()));
    }

    @ParameterizedTest
    @CsvSource({"1, int4, 3, 8, 3, 1, 6", "2, int2, 4, 6, 3, 2, 7", "3, int3, 2, 5, 3, 1, 5", "4, int8, 3, 4, 3, 1, 5",
            "5, int4:pot, 3, 6, 3, 1, 6", "6, int2, 8, 4, 3, 1, 4"})
    void gptqCodesEqualTheReferenceAndBeatNearestAtHWeightedError(long seed, String format, int cin, int cout, int k,
            int stride, int hw) {
        Layer l = layer(seed, cin, cout, k, stride, hw, 12);
        IntFormat f = (IntFormat) NumberFormat.parse(format);
        double[][] h = secondMoment(patches(l));
        QuantizedRows gptq = rows(l, format, QuantSettings.WeightScales.MINMAX, QuantSettings.WeightRounding.GPTQ);
        QuantizedRows nearest = rows(l, format, QuantSettings.WeightScales.MINMAX,
                QuantSettings.WeightRounding.NEAREST);
        double gptqError = 0;
        double nearestError = 0;
        for (int c = 0; c < cout; c++) {
            float[] row = l.weights()[c];
            float maxAbs = 0;
            for (float v : row) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            double scale = f.symmetricScale(maxAbs);
            assertEquals((float) scale, gptq.scales()[c], "scale of channel " + c);
            int[] expected = referenceGptq(row, h, f, scale);
            int[] actual = Arrays.copyOfRange(gptq.codes(), c * gptq.length(), (c + 1) * gptq.length());
            assertArrayEquals(expected, actual, "GPTQ codes of channel " + c);
            int[] near = Arrays.copyOfRange(nearest.codes(), c * nearest.length(), (c + 1) * nearest.length());
            for (int i = 0; i < row.length; i++) {
                assertEquals(f.symmetricCode(row[i], scale), near[i], "nearest code " + i + " of channel " + c);
            }
            gptqError += weightedError(row, actual, scale, h);
            nearestError += weightedError(row, near, scale, h);
            assertEquals(weightedError(row, near, scale, h), nearest.loss()[c], 1e-9 * nearestError + 1e-12);
        }
        // 8-bit grids are fine enough that rounding to nearest is already close; below that GPTQ must win clearly.
        double bound = f.bits() >= 8 ? 1.0 : 0.8;
        assertTrue(gptqError < bound * nearestError, format + ": GPTQ H-weighted error " + gptqError
                + " vs nearest " + nearestError);
    }

    @Test
    void gptqLossIsTheDampenedHWeightedErrorOfTheRoundedRow() {
        Layer l = layer(11, 3, 5, 3, 1, 6, 10);
        double[][] h = secondMoment(patches(l));
        int n = h.length;
        double damp = 0.01 * IntStream.range(0, n).mapToDouble(i -> h[i][i]).sum() / n;
        for (int i = 0; i < n; i++) {
            h[i][i] += damp;
        }
        QuantizedRows q = rows(l, "int3", QuantSettings.WeightScales.MINMAX, QuantSettings.WeightRounding.GPTQ);
        for (int c = 0; c < 5; c++) {
            int[] codes = Arrays.copyOfRange(q.codes(), c * n, (c + 1) * n);
            double e = weightedError(l.weights()[c], codes, q.scales()[c], h);
            assertEquals(e, q.loss()[c], 1e-9 * e);
        }
    }

    @Test
    void hessianClippingNeverDoesWorseThanMaxAbsAtHWeightedError() {
        Layer l = layer(12, 4, 6, 3, 1, 6, 10);
        for (QuantSettings.WeightRounding r : QuantSettings.WeightRounding.values()) {
            QuantizedRows maxAbs = rows(l, "int3", QuantSettings.WeightScales.MINMAX, r);
            QuantizedRows hessian = rows(l, "int3", QuantSettings.WeightScales.HESSIAN, r);
            for (int c = 0; c < 6; c++) {
                // the grid's first level is max |w| itself
                assertTrue(hessian.loss()[c] <= maxAbs.loss()[c], r + " channel " + c + ": " + hessian.loss()[c]
                        + " > " + maxAbs.loss()[c]);
            }
        }
    }

    @Test
    void outputShiftIsTheMeanOutputChangeOfTheQuantizedRow() {
        Layer l = layer(13, 3, 4, 3, 2, 7, 9);
        double[][] x = patches(l);
        QuantizedRows q = rows(l, "int2", QuantSettings.WeightScales.MINMAX, QuantSettings.WeightRounding.GPTQ);
        for (int c = 0; c < 4; c++) {
            double expected = 0;
            for (double[] v : x) {
                for (int i = 0; i < v.length; i++) {
                    expected += (q.codes()[c * q.length() + i] * (double) q.scales()[c] - l.weights()[c][i]) * v[i];
                }
            }
            expected /= x.length;
            assertEquals(expected, q.outputShift()[c], 1e-9 * Math.max(1, Math.abs(expected)));
        }
    }

    @Test
    void allZeroInputsFallBackToNearestWithoutNaN() {
        Layer l = layer(14, 2, 3, 3, 1, 5, 4);
        for (float[] s : l.inputs()) {
            Arrays.fill(s, 0f);
        }
        QuantizedRows gptq = rows(l, "int4", QuantSettings.WeightScales.HESSIAN, QuantSettings.WeightRounding.GPTQ);
        QuantizedRows nearest = rows(l, "int4", QuantSettings.WeightScales.MINMAX,
                QuantSettings.WeightRounding.NEAREST);
        assertArrayEquals(nearest.codes(), gptq.codes());
        for (int c = 0; c < 3; c++) {
            assertEquals(0.0, gptq.outputShift()[c]);
            assertFalse(Double.isNaN(gptq.loss()[c]));
        }
    }

    @Test
    void nonFiniteCalibrationInputsAreAOneLineErrorNamingTheLayer() {
        Layer l = layer(15, 2, 3, 3, 1, 5, 4);
        l.inputs()[2][7] = Float.NaN;
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> rows(l, "int4", QuantSettings.WeightScales.MINMAX, QuantSettings.WeightRounding.GPTQ));
        assertTrue(e.getMessage().startsWith("layer conv_2d_0: the calibration inputs are not finite"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anEmptyCalibrationSplitIsAOneLineError() {
        Layer l = layer(16, 2, 3, 3, 1, 5, 4);
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> LayerInputStatistics.gather(l.model(), samples(l.inputs()), 4, 4));
        assertTrue(e.getMessage().contains("the calibration split is empty"), e.getMessage());
    }

    @Test
    void nearestRowsWithoutStatisticsCarryNoShift() {
        Layer l = layer(17, 2, 3, 3, 1, 5, 4);
        QuantizedRows q = RowQuantizer.quantize(l.model(), l.op(), (IntFormat) NumberFormat.parse("int4"),
                QuantSettings.WeightScales.MSE, QuantSettings.WeightRounding.NEAREST, null);
        assertNull(q.outputShift());
        assertThrows(IllegalArgumentException.class, () -> RowQuantizer.quantize(l.model(), l.op(),
                (IntFormat) NumberFormat.parse("int4"), QuantSettings.WeightScales.MINMAX,
                QuantSettings.WeightRounding.GPTQ, null));
    }
}
