package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FULLY_CONNECTED on int8: {@code acc[o] = bias[o] + Σ_k w[o][k] * (x[k] - inZeroPoint)}, int32, then the
 * {@link OutputStage}. Weights are re-laid out once as int32 {@code [k][outPadded]}: the inner loop broadcasts one
 * input and multiplies a vector of outputs. Outputs in {@code skipped} (pruned) give the zero point.
 */
public final class Int8FullyConnected {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private final int in;
    private final int out;
    private final int outPadded;
    private final int[] packed;
    private final int[] bias;
    private final int inputOffset;
    private final OutputStage stage;
    private final boolean[] skipped;
    private final int[] acc;

    /** @param weights {@code [out][in]} as in the TFLite weights tensor */
    public Int8FullyConnected(int in, int out, byte[] weights, int[] bias, int inputZeroPoint, OutputStage stage,
            boolean[] skipped) {
        if (weights.length != in * out) {
            throw new IllegalArgumentException("FC weights: expected " + in * out + " values, got " + weights.length);
        }
        this.in = in;
        this.out = out;
        this.outPadded = Int8Conv2d.ceilTo(out, I.length());
        this.packed = new int[in * outPadded];
        for (int o = 0; o < out; o++) {
            if (skipped != null && skipped[o]) {
                continue;
            }
            for (int k = 0; k < in; k++) {
                packed[k * outPadded + o] = weights[o * in + k];
            }
        }
        this.bias = new int[outPadded];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, out);
        }
        this.inputOffset = -inputZeroPoint;
        this.stage = stage;
        this.skipped = skipped;
        this.acc = new int[outPadded];
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    public OutputStage outputStage() {
        return stage;
    }

    public void run(byte[] x, byte[] y) {
        final int lanes = I.length();
        for (int ob = 0; ob < outPadded; ob += lanes) {
            IntVector sum = IntVector.fromArray(I, bias, ob);
            for (int k = 0; k < in; k++) {
                sum = sum.add(IntVector.fromArray(I, packed, k * outPadded + ob).mul(x[k] + inputOffset));
            }
            sum.intoArray(acc, ob);
        }
        stage.apply(acc, y, 0, out);
        if (skipped != null) {
            for (int o = 0; o < out; o++) {
                if (skipped[o]) {
                    y[o] = (byte) stage.outputZeroPoint();
                }
            }
        }
    }
}
