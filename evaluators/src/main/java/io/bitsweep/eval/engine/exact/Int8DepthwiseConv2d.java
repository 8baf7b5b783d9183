package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.stream.IntStream;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * DEPTHWISE_CONV_2D on int8, NHWC, for a batch of images, per-channel weights, int32 accumulation, padding skipped.
 * Output channel {@code oc = ic * depthMultiplier + m}. The batch is copied into a {@link PaddedInput} as ints
 * {@code q - zp} (widened once per element; the border is 0, so padding taps add exactly 0 and no tap is tested);
 * with depth multiplier 1 (every MLPerf Tiny model) each output pixel accumulates 16 channels per vector over its
 * taps, one load and one multiply-add per tap. Other depth multipliers run a scalar loop with the same arithmetic.
 * With the native kernels (depth multiplier 1, a stage with a native table) the native depthwise kernel runs the
 * same sums over the unsigned input (the zero point folded into the bias, as in {@link Int8Gemm}) and requantizes
 * in registers.
 */
public final class Int8DepthwiseConv2d {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** Output pixels accumulated before one call of the output stage. */
    private static final int TILE_ROWS = 64;

    private final ConvGeometry g;
    private final int depthMultiplier;
    private final int cout;
    private final int coutPadded;
    private final PaddedInput input;
    private final int[] packed; // [tap][coutPadded]
    private final int[] bias;
    private final OutputStage stage;
    private final int[] prunedChannels;
    private final int[] acc;
    /** The native form's requantization table and corrected bias, or null when the Java form runs. */
    private final int[] nativeTable;
    private final int[] nativeBias;

    /**
     * @param weights {@code [1][kH][kW][cout]} as in the TFLite filter tensor
     * @param capacity images per run at most
     */
    public Int8DepthwiseConv2d(ConvGeometry g, int depthMultiplier, byte[] weights, int[] bias, int inputZeroPoint,
            OutputStage stage, boolean[] skipped, Kernels kernels, int capacity) {
        this.g = g;
        this.depthMultiplier = depthMultiplier;
        this.cout = g.inC() * depthMultiplier;
        this.coutPadded = Int8Conv2d.ceilTo(cout, I.length());
        int taps = g.kH() * g.kW();
        if (weights.length != taps * cout) {
            throw new IllegalArgumentException("depthwise weights: expected " + taps * cout + " values, got "
                    + weights.length);
        }
        this.nativeTable = depthMultiplier == 1 && NativeKernels.use(kernels) ? stage.nativeTable(coutPadded) : null;
        this.input = new PaddedInput(g, 1, inputZeroPoint, nativeTable != null ? PaddedInput.Form.UNSIGNED_BYTES
                : PaddedInput.Form.CENTERED_INTS, capacity);
        this.packed = new int[taps * coutPadded];
        for (int t = 0; t < taps; t++) {
            for (int c = 0; c < cout; c++) {
                if (!Int8Gemm.isSkipped(skipped, c)) {
                    packed[t * coutPadded + c] = weights[t * cout + c];
                }
            }
        }
        this.bias = new int[coutPadded];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, cout);
        }
        this.nativeBias = new int[coutPadded];
        for (int c = 0; c < cout; c++) {
            int sum = 0;
            for (int t = 0; t < taps; t++) {
                sum += packed[t * coutPadded + c];
            }
            nativeBias[c] = this.bias[c] - (128 + inputZeroPoint) * sum; // over u = q + 128, as Int8Gemm
        }
        this.stage = stage;
        this.prunedChannels = skipped == null ? new int[0]
                : IntStream.range(0, cout).filter(c -> skipped[c]).toArray();
        this.acc = new int[TILE_ROWS * coutPadded + OutputStage.ACCUMULATOR_SLACK];
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

    /** {@code in} is {@code n} images [inH][inW][inC], {@code out} is {@code n} images [outH][outW][cout]. */
    public void run(byte[] in, byte[] out, int n) {
        input.fill(in, n);
        int[] pixels = input.pixels();
        int[] taps = input.taps();
        int end = n * g.outH() * g.outW();
        if (nativeTable != null) {
            runNative(pixels, taps, end, out);
            return;
        }
        int[] x = input.ints();
        for (int from = 0; from < end; from += TILE_ROWS) {
            int to = Math.min(end, from + TILE_ROWS);
            for (int m = from; m < to; m++) {
                int row = (m - from) * coutPadded;
                if (depthMultiplier == 1) {
                    for (int cb = 0; cb < coutPadded; cb += I.length()) {
                        accumulate(x, pixels[m] + cb, taps, cb, row);
                    }
                } else {
                    accumulateScalar(x, pixels[m], taps, row);
                }
            }
            stage.applyRows(acc, 0, coutPadded, out, from * cout, to - from, cout);
            for (int m = from; m < to; m++) {
                for (int c : prunedChannels) {
                    out[m * cout + c] = (byte) stage.outputZeroPoint();
                }
            }
        }
    }

    private void runNative(int[] pixels, int[] taps, int end, byte[] out) {
        if (end > pixels.length || (long) end * cout > out.length) {
            throw new IndexOutOfBoundsException("native depthwise: " + end + " pixels into " + out.length + " bytes");
        }
        NativeKernels.depthwise(input.bytes(), pixels, 0, end, taps, packed, nativeBias, coutPadded / I.length(),
                nativeTable, stage.singleRounding() ? 0 : 1, stage.outputZeroPoint(), stage.activationMin(),
                stage.activationMax(), cout, out, 0);
        for (int m = 0; m < end; m++) {
            for (int c : prunedChannels) {
                out[m * cout + c] = (byte) stage.outputZeroPoint();
            }
        }
    }

    /**
     * Channels {@code cb .. cb + 15} of one output pixel over all taps (lanes past the last channel read the next
     * pixel's codes, within the buffer's slack, and are never stored as outputs).
     */
    private void accumulate(int[] x, int at, int[] taps, int cb, int row) {
        IntVector sum = IntVector.fromArray(I, bias, cb);
        for (int t = 0; t < taps.length; t++) {
            sum = sum.add(IntVector.fromArray(I, x, at + taps[t]).mul(IntVector.fromArray(I, packed,
                    t * coutPadded + cb)));
        }
        sum.intoArray(acc, row + cb);
    }

    private void accumulateScalar(int[] x, int at, int[] taps, int row) {
        for (int oc = 0; oc < cout; oc++) {
            int ic = oc / depthMultiplier;
            int sum = bias[oc];
            for (int t = 0; t < taps.length; t++) {
                sum += x[at + taps[t] + ic] * packed[t * coutPadded + oc];
            }
            acc[row + oc] = sum;
        }
    }
}
