package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import java.util.Arrays;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D, NHWC. As in TFLite, padded positions are left out: an average divides by the
 * number of in-bounds elements, a max ignores them.
 */
final class PoolKernel implements Kernel {
    private final float[] in;
    private final float[] out;
    private final ConvGeometry g;
    private final int channels;
    private final boolean average;
    private final float lo;
    private final float hi;
    private final float[] acc;

    PoolKernel(float[] in, float[] out, ConvGeometry g, int channels, boolean average, Activation act) {
        this.in = in;
        this.out = out;
        this.g = g;
        this.channels = channels;
        this.average = average;
        this.lo = act.min();
        this.hi = act.max();
        this.acc = new float[channels];
    }

    @Override
    public void run() {
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                Arrays.fill(acc, average ? 0f : Float.NEGATIVE_INFINITY);
                int count = 0;
                int y0 = oy * g.strideH() - g.padTop();
                int x0 = ox * g.strideW() - g.padLeft();
                for (int iy = Math.max(y0, 0); iy < Math.min(y0 + g.kH(), g.inH()); iy++) {
                    for (int ix = Math.max(x0, 0); ix < Math.min(x0 + g.kW(), g.inW()); ix++) {
                        int base = (iy * g.inW() + ix) * channels;
                        for (int c = 0; c < channels; c++) {
                            acc[c] = average ? acc[c] + in[base + c] : Math.max(acc[c], in[base + c]);
                        }
                        count++;
                    }
                }
                int outBase = (oy * g.outW() + ox) * channels;
                for (int c = 0; c < channels; c++) {
                    float v = average ? acc[c] / count : acc[c];
                    out[outBase + c] = Math.min(Math.max(v, lo), hi);
                }
            }
        }
    }
}
