package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D on int8, NHWC, batch 1, per-channel weights, int32 accumulation, padding skipped. Output
 * channel {@code oc = ic * depthMultiplier + m}. Vectorised along channels when the depth multiplier is 1 (every
 * MLPerf Tiny model); otherwise a scalar loop with the same arithmetic.
 */
public final class Int8DepthwiseConv2d {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;

    private final ConvGeometry g;
    private final int depthMultiplier;
    private final int cout;
    private final int coutPadded;
    private final int[] packed; // [ky][kx][coutPadded]
    private final int[] bias;
    private final int inputOffset;
    private final OutputStage stage;
    private final boolean[] skipped;
    private final int[] acc;

    /**
     * @param weights {@code [1][kH][kW][cout]} as in the TFLite filter tensor
     */
    public Int8DepthwiseConv2d(ConvGeometry g, int depthMultiplier, byte[] weights, int[] bias, int inputZeroPoint,
            OutputStage stage, boolean[] skipped) {
        this.g = g;
        this.depthMultiplier = depthMultiplier;
        this.cout = g.inC() * depthMultiplier;
        this.coutPadded = Int8Conv2d.ceilTo(cout, I.length());
        int taps = g.kH() * g.kW();
        if (weights.length != taps * cout) {
            throw new IllegalArgumentException("depthwise weights: expected " + taps * cout + " values, got "
                    + weights.length);
        }
        this.packed = new int[taps * coutPadded];
        for (int t = 0; t < taps; t++) {
            for (int c = 0; c < cout; c++) {
                if (skipped == null || !skipped[c]) {
                    packed[t * coutPadded + c] = weights[t * cout + c];
                }
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

    public void run(byte[] in, byte[] out) {
        for (int oy = 0; oy < g.outH(); oy++) {
            for (int ox = 0; ox < g.outW(); ox++) {
                if (depthMultiplier == 1) {
                    accumulateVector(in, oy, ox);
                } else {
                    accumulateScalar(in, oy, ox);
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

    /**
     * One tap at a time over all channels, accumulating in {@code acc}: simple counted loops, so the vectors stay
     * in registers; taps in the padding are skipped by the loop bounds.
     */
    private void accumulateVector(byte[] in, int oy, int ox) {
        final int inC = g.inC();
        final int lanes = I.length();
        int iy0 = oy * g.strideH() - g.padTop();
        int ix0 = ox * g.strideW() - g.padLeft();
        System.arraycopy(bias, 0, acc, 0, coutPadded);
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
                accumulateTap((iy * g.inW() + ix) * inC, in, (ky * g.kW() + kx) * coutPadded, inC, lanes);
            }
        }
    }

    private void accumulateTap(int inBase, byte[] in, int wBase, int inC, int lanes) {
        for (int cb = 0; cb < coutPadded; cb += lanes) {
            IntVector x = (IntVector) ByteVector.fromArray(B, in, inBase + cb, B.indexInRange(cb, inC))
                    .convertShape(VectorOperators.B2I, I, 0);
            IntVector w = IntVector.fromArray(I, packed, wBase + cb);
            IntVector.fromArray(I, acc, cb).add(x.add(inputOffset).mul(w)).intoArray(acc, cb);
        }
    }

    private void accumulateScalar(byte[] in, int oy, int ox) {
        final int inC = g.inC();
        int iy0 = oy * g.strideH() - g.padTop();
        int ix0 = ox * g.strideW() - g.padLeft();
        for (int oc = 0; oc < cout; oc++) {
            int ic = oc / depthMultiplier;
            int sum = bias[oc];
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
                    sum += (in[(iy * g.inW() + ix) * inC + ic] + inputOffset)
                            * packed[(ky * g.kW() + kx) * coutPadded + oc];
                }
            }
            acc[oc] = sum;
        }
    }
}
