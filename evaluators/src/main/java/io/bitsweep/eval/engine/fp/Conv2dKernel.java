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
        int wideEnd = cout - cout % Vectors.WIDE.length();
        int narrowEnd = wideEnd + (cout - wideEnd) / Vectors.NARROW.length() * Vectors.NARROW.length();
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                for (int co = 0; co < wideEnd; co += Vectors.WIDE.length()) {
                    vectorBlock(Vectors.WIDE, oy, ox, co);
                }
                if (narrowEnd > wideEnd) {
                    vectorBlock(Vectors.NARROW, oy, ox, wideEnd);
                }
                for (int co = narrowEnd; co < cout; co++) {
                    scalarChannel(oy, ox, co);
                }
            }
        }
    }

    /** Output channels [co, co + lanes) of pixel (oy, ox), with the accumulator in one register. */
    private void vectorBlock(VectorSpecies<Float> species, int oy, int ox, int co) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
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
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + co);
    }

    private void scalarChannel(int oy, int ox, int co) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
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
        out[(oy * g.outW() + ox) * cout + co] = Math.min(Math.max(acc, lo), hi);
    }
}
