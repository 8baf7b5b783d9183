package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;

/**
 * What CONV_2D and DEPTHWISE_CONV_2D share: NHWC buffers, window geometry, bias and the fused-activation clamp, and
 * the walk over output pixels that covers each pixel's output channels with {@link Vectors#WIDE} blocks, then at
 * most one {@link Vectors#NARROW} block, then single channels.
 *
 * <p>The block methods are per kernel and per species on purpose, wide and narrow bodies alike: the Vector API only
 * compiles to SIMD when the species is a static final constant inside the method (see {@link Vectors}); a block
 * method taking the species as a parameter or field boxed every vector and made the engine 2.5 to 8 times slower
 * (docs/PERFORMANCE.md).
 */
abstract class ChannelBlockedConvKernel implements Kernel {
    final float[] in;
    final float[] out;
    final float[] bias;
    final ConvGeometry g;
    final int cin;
    final int cout;
    final float lo;
    final float hi;
    /** End of the channels covered by wide blocks, and of those covered by the narrow block after them. */
    private final int wideEnd;
    private final int narrowEnd;

    /**
     * @param bias length Cout, or null for none
     * @param vectorChannels how many leading output channels the block methods may cover (the rest are scalar)
     */
    ChannelBlockedConvKernel(float[] in, float[] out, float[] bias, ConvGeometry g, int cin, int cout, Activation act,
                             int vectorChannels) {
        this.in = in;
        this.out = out;
        this.bias = bias == null ? new float[cout] : bias;
        this.g = g;
        this.cin = cin;
        this.cout = cout;
        this.lo = act.min();
        this.hi = act.max();
        this.wideEnd = vectorChannels - vectorChannels % Vectors.WIDE.length();
        this.narrowEnd = wideEnd + (vectorChannels - wideEnd) / Vectors.NARROW.length() * Vectors.NARROW.length();
    }

    @Override
    public final void run() {
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                for (int co = 0; co < wideEnd; co += Vectors.WIDE.length()) {
                    wideBlock(oy, ox, co);
                }
                if (narrowEnd > wideEnd) {
                    narrowBlock(oy, ox, wideEnd);
                }
                for (int co = narrowEnd; co < cout; co++) {
                    scalarChannel(oy, ox, co);
                }
            }
        }
    }

    /** Output channels [co, co + WIDE lanes) of pixel (oy, ox), clamped and stored. */
    abstract void wideBlock(int oy, int ox, int co);

    /** As {@link #wideBlock} with {@link Vectors#NARROW}. */
    abstract void narrowBlock(int oy, int ox, int co);

    /** Output channel co of pixel (oy, ox), clamped and stored. */
    abstract void scalarChannel(int oy, int ox, int co);
}
