package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.Arrays;
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
    private final int taps;
    private final int[] patch;
    private final int[] acc;
    /** Output pixels computed together (register blocking). */
    private static final int PIXELS = 4;

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
        this.taps = taps;
        this.patch = new int[PIXELS * taps];
        this.acc = new int[PIXELS * coutPadded];
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
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox += PIXELS) {
                int n = Math.min(PIXELS, g.outW() - ox);
                for (int p = 0; p < n; p++) {
                    gatherPatch(in, oy, ox + p, p * taps);
                }
                if (n == PIXELS) {
                    multiply4();
                } else {
                    for (int p = 0; p < n; p++) {
                        multiply1(p);
                    }
                }
                for (int p = 0; p < n; p++) {
                    int outBase = (oy * g.outW() + ox + p) * cout;
                    stage.apply(acc, p * coutPadded, out, outBase, cout);
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
    }

    /**
     * im2col of one output pixel into {@code patch[at..at+taps)}: {@code x - inZeroPoint}, and 0 for taps in the
     * padding, which therefore contribute nothing (padding positions are skipped, as in TFLite).
     */
    private void gatherPatch(byte[] in, int oy, int ox, int at) {
        final int inC = g.inC();
        int iy0 = oy * g.strideH() - g.padTop();
        int ix0 = ox * g.strideW() - g.padLeft();
        int k = at;
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = iy0 + ky * g.dilationH();
            boolean rowInside = iy >= 0 && iy < g.inH();
            for (int kx = 0; kx < g.kW(); kx++) {
                int ix = ix0 + kx * g.dilationW();
                if (rowInside && ix >= 0 && ix < g.inW()) {
                    int base = (iy * g.inW() + ix) * inC;
                    for (int ci = 0; ci < inC; ci++) {
                        patch[k++] = in[base + ci] + inputOffset;
                    }
                } else {
                    Arrays.fill(patch, k, k + inC, 0);
                    k += inC;
                }
            }
        }
    }

    /** Four pixels at once: each weight vector is loaded once for four multiply-adds. */
    private void multiply4() {
        final int lanes = I.length();
        final int t = taps;
        for (int cb = 0; cb < coutPadded; cb += lanes) {
            IntVector b = IntVector.fromArray(I, bias, cb);
            IntVector s0 = b;
            IntVector s1 = b;
            IntVector s2 = b;
            IntVector s3 = b;
            for (int k = 0; k < t; k++) {
                IntVector w = IntVector.fromArray(I, packed, k * coutPadded + cb);
                s0 = s0.add(w.mul(patch[k]));
                s1 = s1.add(w.mul(patch[t + k]));
                s2 = s2.add(w.mul(patch[2 * t + k]));
                s3 = s3.add(w.mul(patch[3 * t + k]));
            }
            s0.intoArray(acc, cb);
            s1.intoArray(acc, coutPadded + cb);
            s2.intoArray(acc, 2 * coutPadded + cb);
            s3.intoArray(acc, 3 * coutPadded + cb);
        }
    }

    private void multiply1(int p) {
        final int lanes = I.length();
        final int at = p * taps;
        for (int cb = 0; cb < coutPadded; cb += lanes) {
            IntVector s = IntVector.fromArray(I, bias, cb);
            for (int k = 0; k < taps; k++) {
                s = s.add(IntVector.fromArray(I, packed, k * coutPadded + cb).mul(patch[at + k]));
            }
            s.intoArray(acc, p * coutPadded + cb);
        }
    }

    static int ceilTo(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
