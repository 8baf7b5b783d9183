package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D, NHWC, weights [1][kh][kw][Cout] as in the file; output channel c reads input channel
 * c / multiplier. With multiplier 1 (all MLPerf Tiny models) the channels are vectorized; padding is skipped.
 */
final class DepthwiseConv2dKernel implements Kernel {
    private final float[] in;
    private final float[] out;
    private final float[] weights;
    private final float[] bias;
    private final Window g;
    private final int cin;
    private final int cout;
    private final int multiplier;
    private final float lo;
    private final float hi;

    DepthwiseConv2dKernel(float[] in, float[] out, float[] weights, float[] bias, Window g, int cin, int cout,
                          Activation act) {
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.bias = bias == null ? new float[cout] : bias;
        this.g = g;
        this.cin = cin;
        this.cout = cout;
        this.multiplier = cout / cin;
        this.lo = act.min();
        this.hi = act.max();
    }

    @Override
    public void run() {
        int wideEnd = multiplier == 1 ? cout - cout % Vectors.WIDE.length() : 0;
        int narrowEnd = multiplier == 1
                ? wideEnd + (cout - wideEnd) / Vectors.NARROW.length() * Vectors.NARROW.length() : 0;
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                for (int c = 0; c < wideEnd; c += Vectors.WIDE.length()) {
                    vectorBlock(Vectors.WIDE, oy, ox, c);
                }
                if (narrowEnd > wideEnd) {
                    vectorBlock(Vectors.NARROW, oy, ox, wideEnd);
                }
                for (int c = narrowEnd; c < cout; c++) {
                    scalarChannel(oy, ox, c);
                }
            }
        }
    }

    /** Channels [c, c + lanes) of pixel (oy, ox); only used with multiplier 1, so input channel = output channel. */
    private void vectorBlock(VectorSpecies<Float> species, int oy, int ox, int c) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        FloatVector acc = FloatVector.fromArray(species, bias, c);
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = y0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = x0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                FloatVector x = FloatVector.fromArray(species, in, (iy * g.inW() + ix) * cin + c);
                FloatVector w = FloatVector.fromArray(species, weights, (ky * g.kw() + kx) * cout + c);
                acc = x.fma(w, acc);
            }
        }
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + c);
    }

    private void scalarChannel(int oy, int ox, int c) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        float acc = bias[c];
        int ci = c / multiplier;
        for (int ky = 0; ky < g.kh(); ky++) {
            int iy = y0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kw(); kx++) {
                int ix = x0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                acc += in[(iy * g.inW() + ix) * cin + ci] * weights[(ky * g.kw() + kx) * cout + c];
            }
        }
        out[(oy * g.outW() + ox) * cout + c] = Math.min(Math.max(acc, lo), hi);
    }
}
