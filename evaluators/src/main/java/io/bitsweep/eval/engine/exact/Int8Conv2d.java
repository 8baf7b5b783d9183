package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * CONV_2D on int8 activations with per-channel int8 (or narrower) weights, int32 accumulation, NHWC, batch 1.
 * Matches TFLite: {@code acc = bias[c] + Σ w[c,ky,kx,ci] * (x[iy,ix,ci] - inZeroPoint)} over the taps inside the
 * input (padding positions are skipped), then the {@link OutputStage}.
 *
 * <p>The weights are re-laid out once as int32 {@code [ky][kx][ci][coutPadded]}, so the inner loop is a broadcast
 * of one input value times a vector of output channels (no horizontal reductions). Output channels in
 * {@code skipped} (pruned) are not computed: they output the zero point.
 */
public final class Int8Conv2d {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private final ConvGeometry g;
    private final int cout;
    private final int coutPadded;
    private final int[] packed;
    private final int[] bias;
    private final int inputOffset;
    private final OutputStage stage;
    private final boolean[] skipped;
    private final int[] acc;

    /**
     * @param weights {@code [cout][kH][kW][inC]} as in the TFLite filter tensor
     * @param bias one per output channel, or null
     * @param skipped output channels not to compute (pruned), or null
     */
    public Int8Conv2d(ConvGeometry g, int cout, byte[] weights, int[] bias, int inputZeroPoint, OutputStage stage,
            boolean[] skipped) {
        this.g = g;
        this.cout = cout;
        this.coutPadded = ceilTo(cout, I.length());
        int taps = g.kH() * g.kW() * g.inC();
        if (weights.length != cout * taps) {
            throw new IllegalArgumentException("conv weights: expected " + cout * taps + " values, got " + weights.length);
        }
        this.packed = new int[taps * coutPadded];
        for (int c = 0; c < cout; c++) {
            if (skipped != null && skipped[c]) {
                continue;
            }
            for (int t = 0; t < taps; t++) {
                packed[t * coutPadded + c] = weights[c * taps + t];
            }
        }
        this.bias = new int[coutPadded];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, cout);
        }
        this.inputOffset = -inputZeroPoint;
        this.stage = stage;
        this.skipped = skipped;
        this.acc = new int[coutPadded];
    }

    public ConvGeometry geometry() {
        return g;
    }

    public int outputChannels() {
        return cout;
    }

    public OutputStage outputStage() {
        return stage;
    }

    /** {@code in} is [inH][inW][inC], {@code out} is [outH][outW][cout]. */
    public void run(byte[] in, byte[] out) {
        final int inW = g.inW();
        final int inC = g.inC();
        final int kW = g.kW();
        final int lanes = I.length();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padLeft();
                for (int cb = 0; cb < coutPadded; cb += lanes) {
                    IntVector sum = IntVector.fromArray(I, bias, cb);
                    for (int ky = 0; ky < g.kH(); ky++) {
                        int iy = iy0 + ky * g.dilationH();
                        if (iy < 0 || iy >= g.inH()) {
                            continue;
                        }
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ix0 + kx * g.dilationW();
                            if (ix < 0 || ix >= inW) {
                                continue;
                            }
                            int inBase = (iy * inW + ix) * inC;
                            int wBase = ((ky * kW + kx) * inC) * coutPadded + cb;
                            for (int ci = 0; ci < inC; ci++) {
                                int x = in[inBase + ci] + inputOffset;
                                sum = sum.add(IntVector.fromArray(I, packed, wBase + ci * coutPadded).mul(x));
                            }
                        }
                    }
                    sum.intoArray(acc, cb);
                }
                int outBase = (oy * g.outW() + ox) * cout;
                stage.apply(acc, out, outBase, cout);
                if (skipped != null) {
                    for (int c = 0; c < cout; c++) {
                        if (skipped[c]) {
                            out[outBase + c] = (byte) stage.outputZeroPoint();
                        }
                    }
                }
            }
        }
    }

    static int ceilTo(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
