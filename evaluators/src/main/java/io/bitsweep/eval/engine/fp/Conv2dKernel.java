package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CONV_2D, NHWC. Weights are re-laid out once as [kh][kw][Cin][Cout] so that one input value multiplies a
 * contiguous run of output channels: the inner step is a broadcast FMA over a vector of output channels, with the
 * accumulator held in a register across the whole receptive field. Padding positions are skipped.
 */
final class Conv2dKernel implements Kernel {
    private final float[] in;
    private final float[] out;
    private final float[] weights;
    private final float[] bias;
    private final Window g;
    private final int cin;
    private final int cout;
    private final float lo;
    private final float hi;
    private final VectorSpecies<Float> species;

    /** @param tfliteWeights [Cout][kh][kw][Cin] as in the file; @param bias length Cout or null */
    Conv2dKernel(float[] in, float[] out, float[] tfliteWeights, float[] bias, Window g, int cin, int cout,
                 Activation act) {
        this.in = in;
        this.out = out;
        this.g = g;
        this.cin = cin;
        this.cout = cout;
        this.bias = bias == null ? new float[cout] : bias;
        this.lo = act.min();
        this.hi = act.max();
        this.species = Vectors.speciesFor(cout);
        int taps = g.kh() * g.kw() * cin;
        this.weights = new float[taps * cout];
        for (int co = 0; co < cout; co++) {
            for (int t = 0; t < taps; t++) {
                weights[t * cout + co] = tfliteWeights[co * taps + t];
            }
        }
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
                for (int co = 0; co < vectorEnd; co += vlen) {
                    FloatVector acc = FloatVector.fromArray(species, bias, co);
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
                            int inBase = (iy * g.inW() + ix) * cin;
                            int wBase = ((ky * g.kw() + kx) * cin) * cout + co;
                            for (int ci = 0; ci < cin; ci++) {
                                FloatVector w = FloatVector.fromArray(species, weights, wBase + ci * cout);
                                acc = w.fma(FloatVector.broadcast(species, in[inBase + ci]), acc);
                            }
                        }
                    }
                    acc.max(lo).min(hi).intoArray(out, outBase + co);
                }
                for (int co = vectorEnd; co < cout; co++) {
                    float acc = bias[co];
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
                            int inBase = (iy * g.inW() + ix) * cin;
                            int wBase = ((ky * g.kw() + kx) * cin) * cout + co;
                            for (int ci = 0; ci < cin; ci++) {
                                acc += in[inBase + ci] * weights[wBase + ci * cout];
                            }
                        }
                    }
                    out[outBase + co] = Math.min(Math.max(acc, lo), hi);
                }
            }
        }
    }
}
