package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import jdk.incubator.vector.FloatVector;

/**
 * CONV_2D, NHWC. Weights are re-laid out once as [kh][kw][Cin][Cout] so that one input value multiplies a
 * contiguous run of output channels: the inner step is a broadcast FMA over a vector of output channels, with the
 * accumulator held in a register across the whole receptive field. Padding positions are skipped.
 */
final class Conv2dKernel extends ChannelBlockedConvKernel {
    private final float[] weights;

    /** @param tfliteWeights [Cout][kh][kw][Cin] as in the file; @param bias length Cout or null */
    Conv2dKernel(float[] in, float[] out, float[] tfliteWeights, float[] bias, ConvGeometry g, int cin, int cout,
                 Activation act) {
        super(in, out, bias, g, cin, cout, act, cout);
        int taps = g.kH() * g.kW() * cin;
        this.weights = new float[taps * cout];
        for (int co = 0; co < cout; co++) {
            for (int t = 0; t < taps; t++) {
                weights[t * cout + co] = tfliteWeights[co * taps + t];
            }
        }
    }

    /** The accumulator stays in one register across the whole receptive field. */
    @Override
    void wideBlock(int oy, int ox, int co) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        FloatVector acc = FloatVector.fromArray(Vectors.WIDE, bias, co);
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = y0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = x0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                int inBase = (iy * g.inW() + ix) * cin;
                int wBase = ((ky * g.kW() + kx) * cin) * cout + co;
                for (int ci = 0; ci < cin; ci++) {
                    FloatVector w = FloatVector.fromArray(Vectors.WIDE, weights, wBase + ci * cout);
                    acc = w.fma(FloatVector.broadcast(Vectors.WIDE, in[inBase + ci]), acc);
                }
            }
        }
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + co);
    }

    /** A copy of {@link #wideBlock} with {@link Vectors#NARROW}: the species must be a constant. */
    @Override
    void narrowBlock(int oy, int ox, int co) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        FloatVector acc = FloatVector.fromArray(Vectors.NARROW, bias, co);
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = y0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = x0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                int inBase = (iy * g.inW() + ix) * cin;
                int wBase = ((ky * g.kW() + kx) * cin) * cout + co;
                for (int ci = 0; ci < cin; ci++) {
                    FloatVector w = FloatVector.fromArray(Vectors.NARROW, weights, wBase + ci * cout);
                    acc = w.fma(FloatVector.broadcast(Vectors.NARROW, in[inBase + ci]), acc);
                }
            }
        }
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + co);
    }

    @Override
    void scalarChannel(int oy, int ox, int co) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        float acc = bias[co];
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = y0 + ky * g.dilationH();
            if (iy < 0 || iy >= g.inH()) {
                continue;
            }
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = x0 + kx * g.dilationW();
                if (ix < 0 || ix >= g.inW()) {
                    continue;
                }
                int inBase = (iy * g.inW() + ix) * cin;
                int wBase = ((ky * g.kW() + kx) * cin) * cout + co;
                for (int ci = 0; ci < cin; ci++) {
                    acc += in[inBase + ci] * weights[wBase + ci * cout];
                }
            }
        }
        out[(oy * g.outW() + ox) * cout + co] = Math.min(Math.max(acc, lo), hi);
    }
}
