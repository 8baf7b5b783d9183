package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;

/**
 * AVERAGE_POOL_2D and MAX_POOL_2D on int8, NHWC, for a batch of images, as TFLite's optimized int8 kernels on x86: the average
 * divides the window sum by the number of in-bounds taps (padding skipped), rounding half away from zero with C
 * integer division, in an int16 accumulator (as the kernel's {@code int16 acc[]}).
 */
public final class Int8Pool2d {
    public enum Kind { AVERAGE, MAX }

    private final Kind kind;
    private final ConvGeometry g;
    private final int activationMin;
    private final int activationMax;

    public Int8Pool2d(Kind kind, ConvGeometry g, int activationMin, int activationMax) {
        this.kind = kind;
        this.g = g;
        this.activationMin = activationMin;
        this.activationMax = activationMax;
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** {@code in} is {@code n} images [inH][inW][C], {@code out} is {@code n} images [outH][outW][C]. */
    public void run(byte[] in, byte[] out, int n) {
        for (int img = 0; img < n; img++) {
            run(in, img * g.inH() * g.inW() * g.inC(), out, img * g.outH() * g.outW() * g.inC());
        }
    }

    private void run(byte[] in, int inBase, byte[] out, int outBase0) {
        final int depth = g.inC();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            int yStart = Math.max(0, -iy0);
            int yEnd = Math.min(g.kH(), g.inH() - iy0);
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padLeft();
                int xStart = Math.max(0, -ix0);
                int xEnd = Math.min(g.kW(), g.inW() - ix0);
                int count = (xEnd - xStart) * (yEnd - yStart);
                int outBase = outBase0 + (oy * g.outW() + ox) * depth;
                for (int c = 0; c < depth; c++) {
                    int v = kind == Kind.AVERAGE
                            ? average(in, inBase, iy0, ix0, yStart, yEnd, xStart, xEnd, count, c)
                            : max(in, inBase, iy0, ix0, yStart, yEnd, xStart, xEnd, c);
                    out[outBase + c] = (byte) Math.min(activationMax, Math.max(activationMin, v));
                }
            }
        }
    }

    private int average(byte[] in, int inBase, int iy0, int ix0, int yStart, int yEnd, int xStart, int xEnd, int count, int c) {
        short acc = 0;
        for (int fy = yStart; fy < yEnd; fy++) {
            for (int fx = xStart; fx < xEnd; fx++) {
                acc += in[inBase + ((iy0 + fy) * g.inW() + ix0 + fx) * g.inC() + c];
            }
        }
        return (short) (acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count);
    }

    private int max(byte[] in, int inBase, int iy0, int ix0, int yStart, int yEnd, int xStart, int xEnd, int c) {
        int m = activationMin; // TFLite starts the running max at the activation minimum
        for (int fy = yStart; fy < yEnd; fy++) {
            for (int fx = xStart; fx < xEnd; fx++) {
                m = Math.max(m, in[inBase + ((iy0 + fy) * g.inW() + ix0 + fx) * g.inC() + c]);
            }
        }
        return m;
    }
}
