package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.stream.IntStream;

/**
 * CONV_2D (and FULLY_CONNECTED, as a 1x1 conv over a 1x1 image) on int8 activations with per-channel int8 (or
 * narrower) weights, int32 accumulation, NHWC, for a batch of images. Matches TFLite: {@code acc = bias[c] +
 * Σ w[c,ky,kx,ci] * (x[iy,ix,ci] - inZeroPoint)} over the taps inside the input (padding positions are skipped),
 * then the {@link OutputStage}.
 *
 * <p>The batch is copied into a {@link PaddedInput} (border at the zero point, so padding taps add 0 without a
 * test), then the {@link Int8Gemm} computes the accumulators of a tile of output pixels, which the output stage
 * requantizes while they are in cache. Output channels in {@code skipped} (pruned) are not computed: they output
 * the zero point.
 */
public final class Int8Conv2d {
    /** Accumulators per tile (32 KB): a tile's rows are requantized while they are still in the L1 cache. */
    private static final int TILE_ACCUMULATORS = 8192;

    private final ConvGeometry g;
    private final int cout;
    private final PaddedInput input;
    private final Int8Gemm gemm;
    private final OutputStage stage;
    private final int[] prunedChannels;
    private final int tileRows;
    private final int[] acc;

    /**
     * @param weights {@code [cout][kH][kW][inC]} as in the TFLite filter tensor
     * @param bias one per output channel, or null
     * @param skipped output channels not to compute (pruned), or null
     * @param capacity images per run at most
     */
    public Int8Conv2d(ConvGeometry g, int cout, byte[] weights, int[] bias, int inputZeroPoint, OutputStage stage,
            boolean[] skipped, Kernels kernels, int capacity) {
        this.g = g;
        this.cout = cout;
        this.input = new PaddedInput(g, NativeInt8Gemm.DEPTH_MULTIPLE, inputZeroPoint, PaddedInput.Form.UNSIGNED_BYTES,
                capacity);
        this.gemm = Int8Gemm.of(kernels, weights, cout, g.inC(), input.channels(), input.taps(), bias,
                inputZeroPoint, skipped);
        this.stage = stage;
        this.prunedChannels = skipped == null ? new int[0]
                : IntStream.range(0, cout).filter(c -> skipped[c]).toArray();
        int padded = gemm.paddedChannels();
        this.tileRows = Math.max(1, TILE_ACCUMULATORS / padded);
        this.acc = new int[tileRows * padded + OutputStage.ACCUMULATOR_SLACK];
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
        int pixels = n * g.outH() * g.outW();
        for (int from = 0; from < pixels; from += tileRows) {
            int to = Math.min(pixels, from + tileRows);
            gemm.multiply(input.bytes(), input.pixels(), from, to, stage, out, acc);
            if (prunedChannels.length > 0) {
                byte zp = (byte) stage.outputZeroPoint();
                for (int m = from; m < to; m++) {
                    for (int c : prunedChannels) {
                        out[m * cout + c] = zp;
                    }
                }
            }
        }
    }

    static int ceilTo(int n, int m) {
        return (n + m - 1) / m * m;
    }
}
