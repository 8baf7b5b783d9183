package io.bitsweep.eval.engine.exact;

/**
 * {@link Int8Gemm} in the native AVX-512 VNNI kernel ({@code src/main/c/bitsweep_kernels.c}): {@code vpdpbusd}
 * multiplies 4 unsigned input bytes by 4 signed weight bytes and adds the 4 products to an int32 lane, 64
 * multiply-adds per instruction, exact, wrapping as int32 does. Weights are packed once per 16-channel vector as
 * {@code [vector][tap][depth / 4][16 channels][4 bytes]}; the input depth is padded to a multiple of 4 by
 * {@link PaddedInput} (the padding channels' weights are 0).
 */
final class NativeInt8Gemm extends Int8Gemm {
    /** Input channels per {@code vpdpbusd} lane. */
    static final int DEPTH_MULTIPLE = 4;

    private final int paddedDepth;
    private final byte[] packed;
    private final int maxTap;
    /** The stage whose native table {@link #requantTable} is (a layer always uses the same one). */
    private OutputStage requantizedBy;
    private int[] requantTable;

    NativeInt8Gemm(byte[] weights, int channels, int depth, int paddedDepth, int[] tapOffsets, int[] bias,
            int inputZeroPoint, boolean[] skipped) {
        super(weights, channels, depth, tapOffsets, bias, inputZeroPoint, skipped);
        if (paddedDepth % DEPTH_MULTIPLE != 0 || paddedDepth < depth) {
            throw new IllegalArgumentException("native GEMM: input depth " + paddedDepth + " for " + depth
                    + " channels (must be a multiple of " + DEPTH_MULTIPLE + ")");
        }
        this.paddedDepth = paddedDepth;
        this.packed = pack(weights, channels, taps, depth, paddedDepth, skipped);
        int max = 0;
        for (int t : tapOffsets) {
            max = Math.max(max, t);
        }
        this.maxTap = max;
    }

    /**
     * Weights {@code [channels][taps][depth]} laid out for {@code vpdpbusd}: {@code [vector][tap][paddedDepth / 4][16
     * channels][4 bytes]}, channels padded to whole vectors and the depth to {@code paddedDepth} with zeros; skipped
     * channels are zero.
     */
    static byte[] pack(byte[] weights, int channels, int taps, int depth, int paddedDepth, boolean[] skipped) {
        int vectors = Int8Conv2d.ceilTo(channels, LANES) / LANES;
        byte[] packed = new byte[vectors * taps * paddedDepth * LANES];
        for (int c = 0; c < channels; c++) {
            if (isSkipped(skipped, c)) {
                continue;
            }
            int vector = c / LANES;
            int lane = c % LANES;
            for (int t = 0; t < taps; t++) {
                for (int k = 0; k < depth; k++) {
                    int at = ((vector * taps + t) * (paddedDepth / DEPTH_MULTIPLE) + k / DEPTH_MULTIPLE) * LANES
                            * DEPTH_MULTIPLE + lane * DEPTH_MULTIPLE + k % DEPTH_MULTIPLE;
                    packed[at] = weights[(c * taps + t) * depth + k];
                }
            }
        }
        return packed;
    }

    @Override
    void multiply(byte[] input, int[] pixels, int from, int to, int[] acc) {
        checkRows(input, pixels, from, to);
        if ((long) (to - from) * paddedChannels > acc.length) {
            throw new IndexOutOfBoundsException("native GEMM: " + (to - from) + " rows into " + acc.length
                    + " accumulators");
        }
        NativeKernels.int8Gemm(input, pixels, from, to, tapOffsets, paddedDepth / DEPTH_MULTIPLE, packed, bias,
                paddedChannels / LANES, acc);
    }

    /** Requantizes in the kernel's registers (no accumulator tile) where the stage has a native table. */
    @Override
    void multiply(byte[] input, int[] pixels, int from, int to, OutputStage stage, byte[] out, int[] acc) {
        if (stage != requantizedBy) {
            requantizedBy = stage;
            requantTable = stage.nativeTable(paddedChannels);
        }
        if (requantTable == null) {
            super.multiply(input, pixels, from, to, stage, out, acc);
            return;
        }
        checkRows(input, pixels, from, to);
        if ((long) to * channels > out.length) {
            throw new IndexOutOfBoundsException("native GEMM: " + to + " rows of " + channels + " channels into "
                    + out.length + " bytes");
        }
        NativeKernels.int8GemmRequantized(input, pixels, from, to, tapOffsets, paddedDepth / DEPTH_MULTIPLE, packed,
                bias, paddedChannels / LANES, requantTable, stage.singleRounding() ? 0 : 1, stage.outputZeroPoint(),
                stage.activationMin(), stage.activationMax(), channels, out, from * channels);
    }

    /** The native code does not check bounds: everything it will read is checked here. */
    private void checkRows(byte[] input, int[] pixels, int from, int to) {
        if (from < 0 || to > pixels.length || from > to) {
            throw new IndexOutOfBoundsException("native GEMM: rows " + from + ".." + to + " of " + pixels.length);
        }
        for (int m = from; m < to; m++) {
            if (pixels[m] < 0 || (long) pixels[m] + maxTap + paddedDepth > input.length) {
                throw new IndexOutOfBoundsException("native GEMM: pixel " + m + " at " + pixels[m] + " outside "
                        + input.length + " input bytes");
            }
        }
    }
}
