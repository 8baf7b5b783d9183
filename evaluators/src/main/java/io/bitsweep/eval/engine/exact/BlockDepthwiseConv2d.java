package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;

/**
 * DEPTHWISE_CONV_2D on block arithmetic (docs/BLOCK-ARITHMETIC.md), NHWC, image by image. The reduction of an output
 * channel is its kH·kW window, so blocks run along the taps: per output pixel and channel the window's int8 codes
 * (padding taps as the zero point, i.e. real 0) are requantized into the input operand, then each segment's exact
 * mantissa sum is aligned into the {@link AlignedAccumulator}, starting at the bias.
 */
public final class BlockDepthwiseConv2d {
    private final ConvGeometry g;
    private final int depthMultiplier;
    private final BlockWeights w;
    private final BlockInputQuantizer input;
    private final BlockChannels channels;
    private final BlockChannels.Segments seg;
    private final AlignedAccumulator accumulator;
    private final OutputStage stage;
    private final int weightBlocksPerRow;
    private final byte[] window;
    private final long[] winMant;
    private final int[] winExp;
    private final int[] acc;

    BlockDepthwiseConv2d(ConvGeometry g, int depthMultiplier, BlockWeights w, BlockInputQuantizer input,
            BlockChannels channels, AlignedAccumulator accumulator, OutputStage stage) {
        int taps = g.kH() * g.kW();
        if (w.rows() != 1 || w.rowLength() != taps || w.channels() != g.inC() * depthMultiplier) {
            throw new IllegalArgumentException("block depthwise: weights of " + w.channels() + "x" + w.rowLength()
                    + " for " + g.inC() * depthMultiplier + " channels of " + taps + " taps");
        }
        this.g = g;
        this.depthMultiplier = depthMultiplier;
        this.w = w;
        this.input = input;
        this.channels = channels;
        this.seg = BlockChannels.Segments.of(taps, input.blockSize(), w.blockSize());
        this.accumulator = accumulator;
        this.stage = stage;
        this.weightBlocksPerRow = w.blocksPerRow();
        this.window = new byte[taps];
        this.winMant = new long[taps];
        this.winExp = new int[BlockWeights.blocksPerRow(input.blockSize(), taps)];
        this.acc = new int[w.channels() + OutputStage.ACCUMULATOR_SLACK]; // the slack the stage's vectors read
    }

    public AlignedAccumulator accumulator() {
        return accumulator;
    }

    /** {@code in} is {@code n} images [inH][inW][inC], {@code out} is {@code n} images [outH][outW][cout]. */
    public void run(byte[] in, byte[] out, int n) {
        int inSize = g.inH() * g.inW() * g.inC();
        int outSize = g.outH() * g.outW() * w.channels();
        for (int img = 0; img < n; img++) {
            run(in, img * inSize, out, img * outSize);
        }
    }

    private void run(byte[] in, int inBase, byte[] out, int outBase0) {
        final int cout = w.channels();
        final int taps = w.rowLength();
        final long[] wm = w.mantissas();
        final int[] we = w.exponents();
        final byte zp = (byte) input.zeroPoint();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padLeft();
                for (int c = 0; c < cout; c++) {
                    if (w.pruned()[c]) {
                        continue;
                    }
                    int ic = c / depthMultiplier;
                    for (int ky = 0, t = 0; ky < g.kH(); ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        for (int kx = 0; kx < g.kW(); kx++, t++) {
                            int ix = ix0 + kx * g.dilationW();
                            boolean inside = iy >= 0 && iy < g.inH() && ix >= 0 && ix < g.inW();
                            window[t] = inside ? in[inBase + (iy * g.inW() + ix) * g.inC() + ic] : zp;
                        }
                    }
                    input.requantize(window, 0, taps, winMant, 0, winExp, 0);
                    long a = channels.bias[c];
                    int lsb = channels.lsb[c];
                    int wOff = c * taps;
                    int wExp = c * weightBlocksPerRow;
                    for (int s = 0, n = seg.count(); s < n; s++) {
                        long sum = 0;
                        for (int i = seg.start()[s], end = seg.end()[s]; i < end; i++) {
                            sum += winMant[i] * wm[wOff + i];
                        }
                        if (sum != 0) {
                            a = accumulator.add(a, sum, winExp[seg.inputBlock()[s]] + we[wExp + seg.weightBlock()[s]]
                                    - lsb);
                        }
                    }
                    acc[c] = (int) a;
                }
                int outBase = outBase0 + (oy * g.outW() + ox) * cout;
                stage.apply(acc, out, outBase, cout);
                for (int c = 0; c < cout; c++) {
                    if (w.pruned()[c]) {
                        out[outBase + c] = (byte) stage.outputZeroPoint();
                    }
                }
            }
        }
    }
}
