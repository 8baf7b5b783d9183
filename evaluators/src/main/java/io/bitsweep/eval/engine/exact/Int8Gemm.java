package io.bitsweep.eval.engine.exact;

/**
 * The int8 GEMM at the core of CONV_2D and FULLY_CONNECTED, over a {@link PaddedInput} in its unsigned form
 * (stored byte {@code u = q + 128}):
 *
 * <pre>  acc[m][c] = bias[c] + Σ_t Σ_k w[c][t][k] · (x[pixels[m] + taps[t] + k] - zp)</pre>
 *
 * computed as {@code bias'[c] + Σ w · u} with {@code bias'[c] = bias[c] - (128 + zp) · Σ_{t,k} w[c][t][k]}: the same
 * int32 value with int32 wrap-around, since integer addition is exact in any order (padding taps hold the zero
 * point, so they add exactly 0). The weights are packed once, when the layer is compiled (once per candidate);
 * subclasses lay them out for their kernel. Accumulator rows are {@link #paddedChannels()} ints apart.
 */
abstract class Int8Gemm {
    /** Output channels per vector of accumulators (512-bit int lanes). */
    static final int LANES = 16;

    protected final int channels;
    protected final int paddedChannels;
    protected final int taps;
    protected final int depth;
    protected final int[] tapOffsets;
    protected final int[] bias;

    /**
     * @param weights {@code [channels][taps][depth]} (a TFLite conv filter {@code [cout][kh][kw][cin]}, or FC weights
     *     {@code [out][in]} with one tap); pruned channels ({@code skipped}, may be null) are packed as zeros
     * @param tapOffsets {@link PaddedInput#taps()}
     * @param bias one per channel, or null
     */
    protected Int8Gemm(byte[] weights, int channels, int depth, int[] tapOffsets, int[] bias, int inputZeroPoint,
            boolean[] skipped) {
        this.taps = tapOffsets.length;
        if (weights.length != channels * taps * depth) {
            throw new IllegalArgumentException("GEMM weights: expected " + channels * taps * depth + " values, got "
                    + weights.length);
        }
        this.channels = channels;
        this.paddedChannels = Int8Conv2d.ceilTo(channels, LANES);
        this.depth = depth;
        this.tapOffsets = tapOffsets.clone();
        this.bias = new int[paddedChannels];
        for (int c = 0; c < channels; c++) {
            int sum = 0;
            if (!isSkipped(skipped, c)) {
                for (int i = c * taps * depth; i < (c + 1) * taps * depth; i++) {
                    sum += weights[i];
                }
            }
            this.bias[c] = (bias == null ? 0 : bias[c]) - (128 + inputZeroPoint) * sum;
        }
    }

    static boolean isSkipped(boolean[] skipped, int c) {
        return skipped != null && skipped[c];
    }

    /** The GEMM of the chosen kernels; {@link Kernels#AUTO} takes the native one where it loads. */
    static Int8Gemm of(Kernels kernels, byte[] weights, int channels, int depth, int paddedDepth, int[] tapOffsets,
            int[] bias, int inputZeroPoint, boolean[] skipped) {
        if (NativeKernels.use(kernels)) {
            return new NativeInt8Gemm(weights, channels, depth, paddedDepth, tapOffsets, bias, inputZeroPoint,
                    skipped);
        }
        return new JavaInt8Gemm(weights, channels, depth, tapOffsets, bias, inputZeroPoint, skipped);
    }

    /**
     * Accumulators of output pixels {@code from .. to - 1} into {@code acc}, row {@code m - from} at
     * {@code (m - from) · paddedChannels()}.
     *
     * @param input the layer's {@link PaddedInput#bytes()} (unsigned form)
     * @param pixels {@link PaddedInput#pixels()}
     */
    abstract void multiply(byte[] input, int[] pixels, int from, int to, int[] acc);

    /**
     * Output pixels {@code from .. to - 1} requantized by {@code stage} into {@code out} (pixel m's channels at
     * {@code m · channels}), through the accumulator tile {@code acc} (at least {@code (to - from)} rows plus
     * {@link OutputStage#ACCUMULATOR_SLACK}); a kernel may requantize in registers instead.
     */
    void multiply(byte[] input, int[] pixels, int from, int to, OutputStage stage, byte[] out, int[] acc) {
        multiply(input, pixels, from, to, acc);
        stage.applyRows(acc, 0, paddedChannels, out, from * channels, to - from, channels);
    }

    int paddedChannels() {
        return paddedChannels;
    }

    /** Multiply-adds per output pixel (real channels and depth). */
    long macsPerPixel() {
        return (long) channels * taps * depth;
    }
}
