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
    private final VectorSpecies<Float> species;

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
        this.species = multiplier == 1 ? Vectors.speciesFor(cout) : null;
    }

    @Override
    public void run() {
        int vlen = species == null ? 0 : species.length();
        int vectorEnd = vlen == 0 ? 0 : cout - cout % vlen;
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                int outBase = (oy * g.outW() + ox) * cout;
                int y0 = oy * g.strideH() - g.padTop();
                int x0 = ox * g.strideW() - g.padLeft();
                for (int c = 0; c < vectorEnd; c += vlen) {
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
                    acc.max(lo).min(hi).intoArray(out, outBase + c);
                }
                for (int c = vectorEnd; c < cout; c++) {
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
                    out[outBase + c] = Math.min(Math.max(acc, lo), hi);
                }
            }
        }
    }
}
