package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;

/**
 * A {@link BlockConv2d} on the native kernels, for weights whose mantissas are signed bytes (BFP with 8-bit
 * mantissas, MXINT8, narrower ones) and inputs whose mantissas span at most 256 values (those block formats, and the
 * integer operand {@code q - zp}): the int8 GEMM's {@code vpdpbusd} computes each segment's exact mantissa sum over
 * the unsigned bytes {@code m + offset} (the offset taken back by a per-segment correction {@code -offset · Σ m_w}),
 * which is then aligned into the running sums in registers and requantized there. The input is quantized into blocks
 * natively too (exponent and mantissa row from the block's largest code, one table lookup per 64 codes), into a
 * {@link NativeBlockInput}: by this conv, or once per batch by the program where several convs read the same tensor
 * in the same format.
 *
 * <p>Exactness: per output pixel the kernel bounds every aligned term by {@code Σ|m_in| · max|m_w| ·
 * 2^max(0, e_in + max shift)} and runs the pixel only when the sum of those bounds fits the register past the
 * largest |bias|: then no term and no partial sum saturates, so the integer sum of the aligned terms (left shifts
 * exact, right shifts rounded half away from zero, as {@link AlignedAccumulator}) is what the sequential saturating
 * adds give. Pixels it cannot prove so are left to {@link BlockConv2d}'s exact path ({@link #failed()}). The per-pixel
 * bounds are skipped when one bound proves the whole batch: the largest term bound of any input block, with the
 * layer's largest weight shift (or a larger one of another conv sharing the input), times the largest |m_w| and the number of (tap, segment) terms.
 */
final class NativeBlockConv {
    private final ConvGeometry g;
    private final NativeBlockInput input;
    /** Whether this conv quantizes its input itself (else the program does, once for all its readers). */
    private final boolean ownsInput;
    private final int cp;
    private final int blocksPerPixel;
    private final int[] pixels;
    private final int[] taps;
    private final byte[] packed;
    private final int[] bias;
    private final int[] layer;
    private final int segments;
    private final int vectors;
    private final long limit;
    private final OutputStage stage;
    private final int[] requant;
    private final byte[] failed;
    /** The largest weight shift and the largest |m_w| of any (tap, segment) with nonzero weights. */
    private int maxShift = Integer.MIN_VALUE / 2;
    private int maxAbsWeight;

    private NativeBlockConv(ConvGeometry g, BlockWeights w, NativeBlockInput input, boolean ownsInput,
            BlockChannels channels, BlockChannels.Segments seg, OutputStage stage, int[] requant, long registerMax,
            int capacity) {
        this.g = g;
        this.input = input;
        this.ownsInput = ownsInput;
        this.stage = stage;
        this.requant = requant;
        int c = g.inC();
        this.cp = input.cp();
        this.blocksPerPixel = input.blocksPerPixel();
        PaddedLayout layout = input.layoutFor(g);
        this.pixels = layout.pixels(capacity);
        this.taps = layout.taps();
        this.failed = new byte[pixels.length];
        int tapCount = w.rows();
        int channelsOut = w.channels();
        byte[] weights = new byte[w.mantissas().length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) w.mantissas()[i];
        }
        this.packed = NativeInt8Gemm.pack(weights, channelsOut, tapCount, c, cp, null);
        this.vectors = Int8Conv2d.ceilTo(channelsOut, Int8Gemm.LANES) / Int8Gemm.LANES;
        this.bias = new int[vectors * Int8Gemm.LANES];
        long maxAbsBias = 0;
        for (int ch = 0; ch < channelsOut; ch++) {
            bias[ch] = (int) channels.bias[ch];
            maxAbsBias = Math.max(maxAbsBias, Math.abs(channels.bias[ch]));
        }
        this.limit = registerMax - maxAbsBias;
        this.segments = seg.count();
        this.layer = layerTable(w, channels, seg, tapCount, c, input.offset());
        input.addReader(maxShift);
    }

    /**
     * The native form of a block conv, or null where it does not apply: kernels other than native, input mantissas
     * spanning more than 256 values, a weight mantissa outside a signed byte, a segment not starting at a multiple
     * of 4 channels, or a stage without a native table.
     *
     * @param shared the input operand the program quantizes for this conv and others (else null: the conv
     *     quantizes its own)
     */
    static NativeBlockConv of(ConvGeometry g, BlockWeights w, BlockInputQuantizer input, NativeBlockInput shared,
            BlockChannels channels, BlockChannels.Segments seg, OutputStage stage, int accumulatorBits,
            Kernels kernels, int capacity) {
        if (!NativeKernels.use(kernels)) {
            return null;
        }
        for (long m : w.mantissas()) {
            if (m != (byte) m) {
                return null;
            }
        }
        for (int s = 0; s < seg.count(); s++) {
            if (seg.start()[s] % NativeInt8Gemm.DEPTH_MULTIPLE != 0) {
                return null;
            }
        }
        int paddedChannels = Int8Conv2d.ceilTo(w.channels(), Int8Gemm.LANES);
        int[] requant = stage.nativeTable(paddedChannels);
        if (requant == null) {
            return null;
        }
        NativeBlockInput operand = shared != null ? shared : NativeBlockInput.of(input, java.util.List.of(g), capacity);
        if (operand == null) {
            return null;
        }
        return new NativeBlockConv(g, w, operand, shared == null, channels, seg, stage, requant,
                (1L << (accumulatorBits - 1)) - 1, capacity);
    }

    /**
     * {@code [segment starts | ends (in steps of 4 channels) | input blocks][max |m_w| per (tap, segment) | max shift
     * per (tap, segment)][min shift per (vector, tap, segment)][correction | shift per (vector, tap, segment, lane)]}.
     * A shift is {@code e_w - lsb}; the max and min are over the channels whose weight segment is not all zero (a
     * zero segment sum is 0 under any shift).
     */
    private int[] layerTable(BlockWeights w, BlockChannels channels, BlockChannels.Segments seg, int tapCount, int c,
            int offset) {
        int ts = tapCount * segments;
        int lanes = Int8Gemm.LANES;
        int[] t = new int[3 * segments + 2 * ts + vectors * ts + 2 * vectors * ts * lanes];
        int maxAbsAt = 3 * segments;
        int maxShiftAt = maxAbsAt + ts;
        int minShiftAt = maxShiftAt + ts;
        int correctionAt = minShiftAt + vectors * ts;
        int shiftAt = correctionAt + vectors * ts * lanes;
        for (int s = 0; s < segments; s++) {
            t[s] = seg.start()[s] / NativeInt8Gemm.DEPTH_MULTIPLE;
            t[segments + s] = (seg.end()[s] + NativeInt8Gemm.DEPTH_MULTIPLE - 1) / NativeInt8Gemm.DEPTH_MULTIPLE;
            t[2 * segments + s] = seg.inputBlock()[s];
        }
        java.util.Arrays.fill(t, maxShiftAt, maxShiftAt + ts, Integer.MIN_VALUE / 2);
        java.util.Arrays.fill(t, minShiftAt, minShiftAt + vectors * ts, Integer.MAX_VALUE / 2);
        int weightBlocks = w.blocksPerRow();
        for (int ch = 0; ch < w.channels(); ch++) {
            int v = ch / lanes;
            for (int tap = 0; tap < tapCount; tap++) {
                for (int s = 0; s < segments; s++) {
                    long sum = 0;
                    int maxAbs = 0;
                    for (int i = seg.start()[s]; i < seg.end()[s]; i++) {
                        long m = w.mantissas()[(ch * tapCount + tap) * c + i];
                        sum += m;
                        maxAbs = (int) Math.max(maxAbs, Math.abs(m));
                    }
                    int shift = w.exponents()[(ch * tapCount + tap) * weightBlocks + seg.weightBlock()[s]]
                            - channels.lsb[ch];
                    int vts = (v * tapCount + tap) * segments + s;
                    t[correctionAt + vts * lanes + ch % lanes] = (int) (-offset * sum);
                    t[shiftAt + vts * lanes + ch % lanes] = shift;
                    if (maxAbs > 0) {
                        maxShift = Math.max(maxShift, shift);
                        maxAbsWeight = Math.max(maxAbsWeight, maxAbs);
                        int at = tap * segments + s;
                        t[maxAbsAt + at] = Math.max(t[maxAbsAt + at], maxAbs);
                        t[maxShiftAt + at] = Math.max(t[maxShiftAt + at], shift);
                        t[minShiftAt + vts] = Math.min(t[minShiftAt + vts], shift);
                    }
                }
            }
        }
        return t;
    }

    /**
     * Runs {@code n} images of {@code in} (from {@code inOffset}) into {@code out} (from 0); returns whether some
     * output pixel was left for the exact path ({@link #failed()}). A shared input must hold those images already.
     */
    boolean run(byte[] in, int inOffset, int n, byte[] out) {
        int outPixels = n * g.outH() * g.outW();
        int channelsOut = stage.channels();
        if ((long) outPixels * channelsOut > out.length || outPixels > pixels.length) {
            throw new IndexOutOfBoundsException("native block conv: " + n + " images into " + out.length + " bytes");
        }
        if (ownsInput) {
            input.quantize(in, inOffset, n);
        }
        long terms = (long) taps.length * segments * maxAbsWeight;
        boolean proven = terms == 0 || input.worstTerm() <= limit / terms;
        NativeKernels.blockConv(layer, segments, vectors, limit, input.mantissas(), cp, input.exponents(),
                input.sumAbs(), blocksPerPixel, pixels, 0, outPixels, taps, packed, cp / NativeInt8Gemm.DEPTH_MULTIPLE,
                bias, requant, stage.singleRounding() ? 0 : 1, stage.outputZeroPoint(), stage.activationMin(),
                stage.activationMax(), channelsOut, out, 0, failed, proven, input.minExponent());
        for (int m = 0; m < outPixels; m++) {
            if (failed[m] != 0) {
                return true;
            }
        }
        return false;
    }

    /** Per output pixel of the last run: 1 where the exact path must compute it. */
    byte[] failed() {
        return failed;
    }
}
