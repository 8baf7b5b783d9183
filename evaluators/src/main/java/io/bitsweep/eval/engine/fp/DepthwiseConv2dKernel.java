package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import jdk.incubator.vector.FloatVector;

/**
 * DEPTHWISE_CONV_2D, NHWC, weights [1][kh][kw][Cout] as in the file; output channel c reads input channel
 * c / multiplier. With multiplier 1 (all MLPerf Tiny models) the channels are vectorized; padding is skipped.
 */
final class DepthwiseConv2dKernel extends ChannelBlockedConvKernel {
    private final float[] weights;
    private final int multiplier;

    DepthwiseConv2dKernel(float[] in, float[] out, float[] weights, float[] bias, ConvGeometry g, int cin, int cout,
                          Activation act) {
        // The block methods assume input channel = output channel, i.e. multiplier 1; otherwise all is scalar.
        super(in, out, bias, g, cin, cout, act, cout / cin == 1 ? cout : 0);
        this.weights = weights;
        this.multiplier = cout / cin;
    }

    /** Only used with multiplier 1, so input channel = output channel. */
    @Override
    void wideBlock(int oy, int ox, int c) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        FloatVector acc = FloatVector.fromArray(Vectors.WIDE, bias, c);
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
                FloatVector x = FloatVector.fromArray(Vectors.WIDE, in, (iy * g.inW() + ix) * cin + c);
                FloatVector w = FloatVector.fromArray(Vectors.WIDE, weights, (ky * g.kW() + kx) * cout + c);
                acc = x.fma(w, acc);
            }
        }
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + c);
    }

    /** A copy of {@link #wideBlock} with {@link Vectors#NARROW}: the species must be a constant. */
    @Override
    void narrowBlock(int oy, int ox, int c) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        FloatVector acc = FloatVector.fromArray(Vectors.NARROW, bias, c);
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
                FloatVector x = FloatVector.fromArray(Vectors.NARROW, in, (iy * g.inW() + ix) * cin + c);
                FloatVector w = FloatVector.fromArray(Vectors.NARROW, weights, (ky * g.kW() + kx) * cout + c);
                acc = x.fma(w, acc);
            }
        }
        acc.max(lo).min(hi).intoArray(out, (oy * g.outW() + ox) * cout + c);
    }

    @Override
    void scalarChannel(int oy, int ox, int c) {
        int y0 = oy * g.strideH() - g.padTop();
        int x0 = ox * g.strideW() - g.padLeft();
        float acc = bias[c];
        int ci = c / multiplier;
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
                acc += in[(iy * g.inW() + ix) * cin + ci] * weights[(ky * g.kW() + kx) * cout + c];
            }
        }
        out[(oy * g.outW() + ox) * cout + c] = Math.min(Math.max(acc, lo), hi);
    }
}
