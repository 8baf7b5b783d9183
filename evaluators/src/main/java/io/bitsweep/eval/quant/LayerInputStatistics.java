package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The {@link InputMoments} of every quantizable layer, gathered in one pass of the <b>float</b> model over a
 * calibration split. The inputs are the float model's, not those of a model quantized up to the layer: that keeps
 * the statistics, and so every quantized weight row, independent of the candidate (one table of rows per search,
 * docs/ASSIGNMENT.md "Which inputs H sees"). Sums are in double, in a fixed order, so the same split gives the same
 * bits on every machine and executor.
 */
public final class LayerInputStatistics {
    /** Input vectors buffered before one rank-k update of H. */
    private static final int BATCH_ROWS = 256;

    private final Map<String, InputMoments> layers;
    private final long samples;

    LayerInputStatistics(Map<String, InputMoments> layers, long samples) {
        this.layers = layers;
        this.samples = samples;
    }

    /** Runs the float model over samples {@code [from, to)} of {@code data} (every window of each). */
    public static LayerInputStatistics gather(Model model, LabelledSamples data, int from, int to) {
        return gather(model, data, from, to, model.quantizableLayers());
    }

    /** The same for some of the quantizable layers only. */
    static LayerInputStatistics gather(Model model, LabelledSamples data, int from, int to, List<Op> layers) {
        if (from >= to) {
            throw new BitSweepException("the calibration split is empty (samples " + from + ".." + to + " of "
                    + data.size() + "): error-compensating rounding and bias correction need calibration inputs");
        }
        FloatEngine engine = FloatEngine.compile(model);
        Map<String, Accumulator> acc = new LinkedHashMap<>();
        for (Op op : layers) {
            acc.put(op.name(), Accumulator.of(model, op));
        }
        float[] in = new float[data.inputSize()];
        float[] out = new float[engine.outputSize()];
        for (int s = from; s < to; s++) {
            for (int w = 0; w < data.inputsPerSample(); w++) {
                data.input(s, w, in);
                engine.predict(in, out);
                for (Accumulator a : acc.values()) {
                    a.collect(engine.tensorValues(a.inputTensor));
                    a.vectors += a.rowsPerInput;
                }
            }
        }
        Map<String, InputMoments> moments = new LinkedHashMap<>();
        acc.forEach((name, a) -> moments.put(name, a.moments(name)));
        return new LayerInputStatistics(moments, to - from);
    }

    /** The moments of one quantizable layer. */
    public InputMoments layer(String name) {
        InputMoments m = layers.get(name);
        if (m == null) {
            throw new BitSweepException("layer " + name + " has no calibration statistics (allowed: "
                    + String.join(", ", layers.keySet()) + ")");
        }
        return m;
    }

    /** Calibration samples the statistics were gathered over. */
    public long samples() {
        return samples;
    }

    /** Sums of x and x xᵀ for every group of one layer, with the input vectors batched into one rank-k update. */
    private abstract static class Accumulator {
        final int inputTensor;
        final int length;
        final int channelsPerGroup;
        final int rowsPerInput;
        final DMatrixRMaj[] batch;
        final int[] rows;
        final DMatrixRMaj[] sumOuter;
        final DMatrixRMaj[] sumX;
        final DMatrixRMaj product;
        final DMatrixRMaj columnSums;
        long vectors;

        Accumulator(int inputTensor, int groups, int length, int channelsPerGroup, int rowsPerInput) {
            this.inputTensor = inputTensor;
            this.length = length;
            this.channelsPerGroup = channelsPerGroup;
            this.rowsPerInput = rowsPerInput;
            int capacity = rowsPerInput * Math.max(1, BATCH_ROWS / rowsPerInput);
            batch = new DMatrixRMaj[groups];
            rows = new int[groups];
            sumOuter = new DMatrixRMaj[groups];
            sumX = new DMatrixRMaj[groups];
            for (int g = 0; g < groups; g++) {
                batch[g] = new DMatrixRMaj(capacity, length);
                sumOuter[g] = new DMatrixRMaj(length, length);
                sumX[g] = new DMatrixRMaj(1, length);
            }
            product = new DMatrixRMaj(length, length);
            columnSums = new DMatrixRMaj(1, length);
        }

        static Accumulator of(Model model, Op op) {
            Tensor in = model.input(op, 0);
            Tensor w = model.weights(op);
            return switch (op.type()) {
                case CONV_2D -> {
                    OpOptions.Conv o = (OpOptions.Conv) op.options();
                    yield new Patches(in.index(), ConvGeometry.of(in, w.dim(1), w.dim(2), o.strideH(), o.strideW(),
                            o.dilationH(), o.dilationW(), o.padding()), false, 1);
                }
                case DEPTHWISE_CONV_2D -> {
                    OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
                    yield new Patches(in.index(), ConvGeometry.of(in, w.dim(1), w.dim(2), o.strideH(), o.strideW(),
                            o.dilationH(), o.dilationW(), o.padding()), true, o.depthMultiplier());
                }
                case FULLY_CONNECTED -> new Rows(in.index(), w.dim(1), (int) (in.elementCount() / w.dim(1)));
                default -> throw new IllegalArgumentException(op.name() + " has no weights");
            };
        }

        /** Appends the {@code rowsPerInput} input vectors of one inference to the batches of every group. */
        abstract void collect(float[] input);

        /** Row {@code rows[g]} of group g's batch, flushing first if the batch cannot take {@code coming} rows. */
        final int nextRow(int g, int coming) {
            if (rows[g] + coming > batch[g].numRows) {
                flush(g);
            }
            return rows[g]++ * length;
        }

        final void flush(int g) {
            if (rows[g] == 0) {
                return;
            }
            DMatrixRMaj b = batch[g];
            int capacity = b.numRows;
            b.reshape(rows[g], length, true);
            CommonOps_DDRM.multInner(b, product);
            CommonOps_DDRM.addEquals(sumOuter[g], product);
            CommonOps_DDRM.sumCols(b, columnSums);
            CommonOps_DDRM.addEquals(sumX[g], columnSums);
            b.reshape(capacity, length, false);
            rows[g] = 0;
        }

        final InputMoments moments(String layer) {
            int groups = batch.length;
            DMatrixRMaj[] h = new DMatrixRMaj[groups];
            double[][] mean = new double[groups][];
            for (int g = 0; g < groups; g++) {
                flush(g);
                h[g] = sumOuter[g].copy();
                CommonOps_DDRM.scale(1.0 / vectors, h[g]);
                mean[g] = new double[length];
                for (int k = 0; k < length; k++) {
                    mean[g][k] = sumX[g].get(0, k) / vectors;
                }
            }
            return new InputMoments("layer " + layer, length, channelsPerGroup, h, mean);
        }
    }

    /**
     * Conv and depthwise conv inputs: one patch per output position, in the weights' reduction order (kh, kw, Cin
     * for a conv; kh, kw of one input channel for a depthwise conv). Padding positions are 0: they add nothing to
     * a channel's output, in the float model and in the integer engine alike.
     */
    private static final class Patches extends Accumulator {
        private final ConvGeometry g;
        private final boolean depthwise;

        Patches(int inputTensor, ConvGeometry g, boolean depthwise, int multiplier) {
            super(inputTensor, depthwise ? g.inC() : 1, g.kH() * g.kW() * (depthwise ? 1 : g.inC()),
                    depthwise ? multiplier : Integer.MAX_VALUE, g.outH() * g.outW());
            this.g = g;
            this.depthwise = depthwise;
        }

        @Override
        void collect(float[] in) {
            int positions = g.outH() * g.outW();
            int groups = batch.length;
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    int y0 = oy * g.strideH() - g.padTop();
                    int x0 = ox * g.strideW() - g.padLeft();
                    for (int grp = 0; grp < groups; grp++) {
                        int at = nextRow(grp, oy == 0 && ox == 0 ? positions : 0);
                        double[] dst = batch[grp].data;
                        for (int ky = 0; ky < g.kH(); ky++) {
                            int iy = y0 + ky * g.dilationH();
                            for (int kx = 0; kx < g.kW(); kx++) {
                                int ix = x0 + kx * g.dilationW();
                                boolean inside = iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW();
                                int base = (iy * g.inW() + ix) * g.inC();
                                if (depthwise) {
                                    dst[at++] = inside ? in[base + grp] : 0;
                                } else {
                                    for (int ci = 0; ci < g.inC(); ci++) {
                                        dst[at++] = inside ? in[base + ci] : 0;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Fully connected inputs: each row of the flattened input is one vector. */
    private static final class Rows extends Accumulator {
        private final int count;

        Rows(int inputTensor, int length, int count) {
            super(inputTensor, 1, length, Integer.MAX_VALUE, count);
            this.count = count;
        }

        @Override
        void collect(float[] in) {
            for (int r = 0; r < count; r++) {
                int at = nextRow(0, r == 0 ? count : 0);
                double[] dst = batch[0].data;
                for (int k = 0; k < length; k++) {
                    dst[at + k] = in[r * length + k];
                }
            }
        }
    }
}
