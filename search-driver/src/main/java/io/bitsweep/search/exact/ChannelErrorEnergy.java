package io.bitsweep.search.exact;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * Per layer, weight format and output channel, the channel's quantization error energy under the layer's input
 * statistics: sum over the channel's weights of (w - q(w))^2 E[x^2], where q is the format's round to nearest over
 * the channel (one scale per channel; blocks along it for block formats) and E[x^2] the float model's second moment
 * of the input that weight multiplies (per input channel for conv and depthwise, per feature for fully connected),
 * measured on the calibration split. It is the diagonal of the layer's input Hessian proxy H = E[x x^T] that
 * GPTQ-style rounding uses, needs no quantized inference, and ranks the channels of a layer by how much a format
 * hurts them. Weight-scale clipping ({@code weight-scales = mse}) is left out: the proxy only shares out a layer's
 * measured loss among its channels.
 */
final class ChannelErrorEnergy {
    private ChannelErrorEnergy() {}

    static double[][][] of(Model model, SearchSpace space, Dataset calibration) {
        double[][] secondMoments = inputSecondMoments(model, space, calibration);
        double[][][] out = new double[space.layers().size()][][];
        for (int l = 0; l < out.length; l++) {
            LayerSpace ls = space.layers().get(l);
            Op op = model.op(ls.layer().name()).orElseThrow();
            float[] w = model.weights(op).dequantize();
            int channels = ls.layer().outChannels();
            int n = ls.layer().weightsPerChannel();
            out[l] = new double[ls.weights().size()][channels];
            float[] vec = new float[n];
            float[] dq = new float[n];
            int[] input = new int[n];
            for (int c = 0; c < channels; c++) {
                channel(model, op, w, c, vec, input);
                for (int f = 0; f < ls.weights().size(); f++) {
                    NumberFormat fmt = ls.weights().get(f);
                    fmt.quantizeDequantize(vec, dq, HwCostModel.channelLayout(fmt, n), Rounding.NEAREST);
                    double e = 0;
                    for (int j = 0; j < n; j++) {
                        double d = vec[j] - dq[j];
                        e += d * d * secondMoments[l][input[j]];
                    }
                    out[l][f][c] = e;
                }
            }
        }
        return out;
    }

    /**
     * Output channel c's weights into {@code vec}, and for each the index of the input (channel or feature) it
     * multiplies. Conv [Cout, kh, kw, Cin] and FC [Cout, In] hold a channel contiguously; depthwise
     * [1, kh, kw, Cin * multiplier] holds it every Cout-th element.
     */
    private static void channel(Model model, Op op, float[] w, int c, float[] vec, int[] input) {
        int[] shape = model.weights(op).shape();
        int n = vec.length;
        if (op.type() == OpType.DEPTHWISE_CONV_2D) {
            int cout = shape[3];
            int cin = model.input(op, 0).shape()[model.input(op, 0).rank() - 1];
            for (int t = 0; t < n; t++) {
                vec[t] = w[t * cout + c];
                input[t] = c / (cout / cin);
            }
        } else {
            int cin = op.type() == OpType.CONV_2D ? shape[shape.length - 1] : n;
            for (int j = 0; j < n; j++) {
                vec[j] = w[c * n + j];
                input[j] = j % cin;
            }
        }
    }

    /** Per layer, E[x^2] of each input channel (conv, depthwise) or input feature (FC), over the calibration split. */
    private static double[][] inputSecondMoments(Model model, SearchSpace space, Dataset data) {
        FloatEngine engine = FloatEngine.compile(model);
        int layers = space.layers().size();
        Op[] ops = new Op[layers];
        double[][] sums = new double[layers][];
        long[] counts = new long[layers];
        for (int l = 0; l < layers; l++) {
            ops[l] = model.op(space.layers().get(l).layer().name()).orElseThrow();
            var in = model.input(ops[l], 0);
            sums[l] = new double[ops[l].type() == OpType.FULLY_CONNECTED ? (int) in.elementCount()
                    : in.shape()[in.rank() - 1]];
        }
        float[] x = new float[data.inputSize()];
        float[] y = new float[engine.outputSize()];
        for (int s = 0; s < data.size(); s++) {
            for (int w = 0; w < data.inputsPerSample(); w++) {
                data.input(s, w, x);
                engine.predict(x, y);
                for (int l = 0; l < layers; l++) {
                    float[] v = engine.tensorValues(ops[l].input(0));
                    int width = sums[l].length;
                    for (int i = 0; i < v.length; i++) {
                        sums[l][i % width] += (double) v[i] * v[i];
                    }
                    counts[l] += v.length / width;
                }
            }
        }
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < sums[l].length; i++) {
                sums[l][i] /= Math.max(1, counts[l]);
            }
        }
        return sums;
    }
}
