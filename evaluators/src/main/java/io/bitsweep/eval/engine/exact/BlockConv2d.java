package io.bitsweep.eval.engine.exact;

/**
 * CONV_2D (and FULLY_CONNECTED, as a 1x1 conv on a 1x1 input) on block arithmetic (docs/BLOCK-ARITHMETIC.md),
 * NHWC, batch 1. Once per run the int8 input is requantized into the input operand, per pixel in blocks along the
 * channels; then per output pixel and channel, for every tap inside the input (padding skipped) and every segment of
 * the channel row on which both exponents are constant, the exact integer sum of mantissa products is aligned into
 * the {@link AlignedAccumulator}, which starts at the bias. The {@link OutputStage} requantizes the result.
 */
public final class BlockConv2d {
    private final ConvGeometry g;
    private final BlockWeights w;
    private final BlockInputQuantizer input;
    private final BlockChannels channels;
    private final BlockChannels.Segments seg;
    private final AlignedAccumulator accumulator;
    private final OutputStage stage;
    private final int inputBlocksPerPixel;
    private final int weightBlocksPerRow;
    private final long[] inMant;
    private final int[] inExp;
    private final int[] acc;

    BlockConv2d(ConvGeometry g, BlockWeights w, BlockInputQuantizer input, BlockChannels channels,
            AlignedAccumulator accumulator, OutputStage stage) {
        if (w.rowLength() != g.inC() || w.rows() != g.kH() * g.kW()) {
            throw new IllegalArgumentException("block conv: weights of " + w.rows() + "x" + w.rowLength()
                    + " for " + g.kH() + "x" + g.kW() + "x" + g.inC());
        }
        this.g = g;
        this.w = w;
        this.input = input;
        this.channels = channels;
        this.seg = BlockChannels.Segments.of(g.inC(), input.blockSize(), w.blockSize());
        this.accumulator = accumulator;
        this.stage = stage;
        this.inputBlocksPerPixel = BlockWeights.blocksPerRow(input.blockSize(), g.inC());
        this.weightBlocksPerRow = w.blocksPerRow();
        int pixels = g.inH() * g.inW();
        this.inMant = new long[pixels * g.inC()];
        this.inExp = new int[pixels * inputBlocksPerPixel];
        this.acc = new int[w.channels()];
    }

    public AlignedAccumulator accumulator() {
        return accumulator;
    }

    /** The saturated accumulators of the last output pixel computed (before requantization); for tests. */
    int[] lastAccumulators() {
        return acc;
    }

    /** {@code in} is [inH][inW][inC], {@code out} is [outH][outW][cout]. */
    public void run(byte[] in, byte[] out) {
        final int inC = g.inC();
        for (int p = 0, n = g.inH() * g.inW(); p < n; p++) {
            input.requantize(in, p * inC, inC, inMant, p * inC, inExp, p * inputBlocksPerPixel);
        }
        final int cout = w.channels();
        final int taps = w.rows();
        final long[] wm = w.mantissas();
        final int[] we = w.exponents();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padLeft();
                for (int c = 0; c < cout; c++) {
                    if (w.pruned()[c]) {
                        continue;
                    }
                    long a = channels.bias[c];
                    int lsb = channels.lsb[c];
                    for (int ky = 0; ky < g.kH(); ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < g.kW(); kx++) {
                            int ix = ix0 + kx * g.dilationW();
                            if (ix < 0 || ix >= g.inW()) {
                                continue;
                            }
                            int pixel = iy * g.inW() + ix;
                            int tap = (c * taps + ky * g.kW() + kx);
                            a = accumulateRow(a, pixel * inC, pixel * inputBlocksPerPixel, tap * inC,
                                    tap * weightBlocksPerRow, lsb, wm, we);
                        }
                    }
                    acc[c] = (int) a;
                }
                int outBase = (oy * g.outW() + ox) * cout;
                stage.apply(acc, out, outBase, cout);
                for (int c = 0; c < cout; c++) {
                    if (w.pruned()[c]) {
                        out[outBase + c] = (byte) stage.outputZeroPoint();
                    }
                }
            }
        }
    }

    private long accumulateRow(long a, int aOff, int aExp, int wOff, int wExp, int lsb, long[] wm, int[] we) {
        for (int s = 0, n = seg.count(); s < n; s++) {
            long sum = 0;
            for (int i = seg.start()[s], end = seg.end()[s]; i < end; i++) {
                sum += inMant[aOff + i] * wm[wOff + i];
            }
            if (sum != 0) {
                a = accumulator.add(a, sum, inExp[aExp + seg.inputBlock()[s]] + we[wExp + seg.weightBlock()[s]] - lsb);
            }
        }
        return a;
    }
}
