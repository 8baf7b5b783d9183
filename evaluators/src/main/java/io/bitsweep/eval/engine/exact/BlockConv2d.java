package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.Arrays;
import java.util.stream.IntStream;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * CONV_2D (and FULLY_CONNECTED, as a 1x1 conv on a 1x1 input) on block arithmetic (docs/BLOCK-ARITHMETIC.md),
 * NHWC, image by image. Once per image the int8 input is requantized into the input operand, per pixel in blocks along the
 * channels; then per output pixel and channel, for every tap inside the input (padding skipped) and every segment of
 * the channel row on which both exponents are constant, the exact integer sum of mantissa products is aligned into
 * the {@link AlignedAccumulator}, which starts at the bias. The {@link OutputStage} requantizes the result.
 */
public final class BlockConv2d {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /**
     * Widest exact segment sum (sign included) for the int-lane form: below 2^29 in magnitude, right shifts can be
     * clamped to 30 and the rounding cannot overflow.
     */
    private static final int MAX_LANE_SUM_BITS = 30;
    private final ConvGeometry g;
    private final BlockWeights w;
    private final BlockInputQuantizer input;
    private final BlockChannels channels;
    private final BlockChannels.Segments seg;
    private final AlignedAccumulator accumulator;
    private final OutputStage stage;
    private final int inputBlocksPerPixel;
    private final int weightBlocksPerRow;
    private final long[] inMant;
    private final int[] inExp;
    private final int[] acc;
    /** Int-lane form, when every exact segment sum fits 30 bits (else the long form). */
    private final boolean lanes;
    private final int[] segmentSums;
    private final long[] registers;
    private final long registerMin;
    private final long registerMax;
    private final int coutPadded;
    private final int[] inMantInt;
    private final int[] packed;          // [tap][ci][coutPadded]
    private final int[] packedShift;     // [tap][weight block][coutPadded]: weight exponent - lsb
    /**
     * As {@link #packed}, each weight shifted left by its lane's weight shift above the smallest of its lane block
     * ({@link #minLaneShift}); 0 in a lane block whose shifts spread more than fastSafeShift (which never takes the
     * pre-shifted form, see {@link #accumulateFast}).
     */
    private final int[] packedPreShifted;
    /**
     * Fast path: every aligned term of an output below 2^fastTermBits in magnitude, so that the sum of their
     * magnitudes over all taps and segments fits 30 bits (0 when no such bound exists: always the exact path).
     */
    private final int fastTermBits;
    /**
     * Largest alignment left shift at which no exact segment sum (|sum| <= 2^(sumBits-1) < 2^sumBits) can leave the
     * fast path: fastTermBits - sumBits (negative when there is none).
     */
    private final int fastSafeShift;
    /** Per (tap, weight block, block of output lanes): the largest weight shift of those lanes' real channels. */
    private final int[] maxLaneShift;
    /** As {@link #maxLaneShift}, the smallest. */
    private final int[] minLaneShift;
    private final int[] fastSums;
    private final int[] fastMagnitudes;
    /**
     * Whether the fast path must sum the term magnitudes for the register test. The terms it accepts sum to less
     * than 2^30 in magnitude (each below 2^fastTermBits, at most 2^(30 - fastTermBits) of them), so when every
     * |bias| + 2^30 - 1 fits the register no partial sum can saturate and the test is skipped.
     */
    private final boolean trackMagnitudes;
    private final int[] fastViolations;
    /** Output pixels per call of the fast path. */
    private static final int PIXELS = 4;
    /**
     * The accumulators of {@value #PIXELS} output pixels, pixel p's at {@code p · coutPadded}, with the slack the
     * output stage's vectors read past the last one ({@link OutputStage#ACCUMULATOR_SLACK}; without it every channel
     * takes its scalar form).
     */
    private final int[] pixelAcc;
    /** The biases as ints, channels padded to whole vectors: (int) (bias + sum) is (int) bias + sum, wrapping alike. */
    private final int[] laneBias;
    private final int[] tapPixel = new int[PIXELS];
    /** The pruned output channels (they output the zero point). */
    private final int[] prunedChannels;
    private int lastPixels = 1;

    /** The native form where it applies (else null): it runs every pixel it can prove exact. */
    private final NativeBlockConv nativeForm;

    BlockConv2d(ConvGeometry g, BlockWeights w, BlockInputQuantizer input, BlockChannels channels,
            AlignedAccumulator accumulator, OutputStage stage, Kernels kernels, int capacity) {
        this(g, w, input, null, channels, accumulator, stage, kernels, capacity);
    }

    /**
     * @param shared the native input operand the program quantizes once per batch for this conv and others over the
     *     same tensor and format, or null (the native form, if any, quantizes its own)
     */
    BlockConv2d(ConvGeometry g, BlockWeights w, BlockInputQuantizer input, NativeBlockInput shared,
            BlockChannels channels, AlignedAccumulator accumulator, OutputStage stage, Kernels kernels, int capacity) {
        if (w.rowLength() != g.inC() || w.rows() != g.kH() * g.kW()) {
            throw new IllegalArgumentException("block conv: weights of " + w.rows() + "x" + w.rowLength()
                    + " for " + g.kH() + "x" + g.kW() + "x" + g.inC());
        }
        this.g = g;
        this.w = w;
        this.input = input;
        this.channels = channels;
        this.seg = BlockChannels.Segments.of(g.inC(), input.blockSize(), w.blockSize());
        this.prunedChannels = IntStream.range(0, w.channels()).filter(c -> w.pruned()[c]).toArray();
        this.accumulator = accumulator;
        this.stage = stage;
        this.inputBlocksPerPixel = BlockWeights.blocksPerRow(input.blockSize(), g.inC());
        this.weightBlocksPerRow = w.blocksPerRow();
        int pixels = g.inH() * g.inW();
        this.inMant = new long[pixels * g.inC()];
        this.inExp = new int[(pixels + 1) * inputBlocksPerPixel]; // + the zero pixel's (unused by the sums)
        int sumBits = BlockChannels.sumBits(input.magnitudeBits(), w.magnitudeBits(),
                Math.min(g.inC(), Math.min(input.blockSize(), w.blockSize())));
        if (sumBits > MAX_LANE_SUM_BITS) {
            this.lanes = false;
            this.coutPadded = w.channels();
            this.inMantInt = null;
            this.packed = null;
            this.packedShift = null;
            this.packedPreShifted = null;
            this.segmentSums = null;
            this.registers = null;
            this.registerMin = 0;
            this.registerMax = 0;
            this.acc = new int[w.channels() + OutputStage.ACCUMULATOR_SLACK];
            this.fastTermBits = 0;
            this.fastSafeShift = -1;
            this.maxLaneShift = null;
            this.minLaneShift = null;
            this.fastSums = null;
            this.fastMagnitudes = null;
            this.trackMagnitudes = true;
            this.fastViolations = null;
            this.pixelAcc = null;
            this.laneBias = null;
            this.nativeForm = null;
            return;
        }
        this.nativeForm = NativeBlockConv.of(g, w, input, shared, channels, seg, stage, accumulator.bits(), kernels,
                capacity);
        this.lanes = true;
        this.coutPadded = Int8Conv2d.ceilTo(w.channels(), I.length());
        this.acc = new int[coutPadded + OutputStage.ACCUMULATOR_SLACK];
        this.inMantInt = new int[inMant.length + g.inC()]; // + one all-zero pixel for padding taps
        int taps = w.rows();
        int inC = g.inC();
        this.packed = new int[taps * inC * coutPadded];
        this.packedShift = new int[taps * weightBlocksPerRow * coutPadded];
        this.segmentSums = new int[PIXELS * I.length()];
        this.registers = new long[coutPadded];
        this.registerMax = (1L << (accumulator.bits() - 1)) - 1;
        this.registerMin = -registerMax - 1;
        this.fastTermBits = Math.max(0, MAX_LANE_SUM_BITS - BlockChannels.ceilLog2(taps * seg.count()));
        this.fastSafeShift = fastTermBits - sumBits;
        this.fastSums = new int[PIXELS * I.length()];
        this.fastMagnitudes = new int[PIXELS * I.length()];
        long maxAbsBias = 0;
        for (long b : channels.bias) {
            maxAbsBias = Math.max(maxAbsBias, Math.abs(b));
        }
        this.trackMagnitudes = maxAbsBias + (1L << MAX_LANE_SUM_BITS) - 1 > registerMax;
        this.fastViolations = new int[PIXELS * I.length()];
        this.pixelAcc = new int[PIXELS * coutPadded + OutputStage.ACCUMULATOR_SLACK];
        this.laneBias = new int[coutPadded];
        for (int c = 0; c < w.channels(); c++) {
            laneBias[c] = (int) channels.bias[c];
        }
        for (int c = 0; c < w.channels(); c++) {
            for (int t = 0; t < taps; t++) {
                for (int ci = 0; ci < inC; ci++) {
                    packed[(t * inC + ci) * coutPadded + c] = (int) w.mantissas()[(c * taps + t) * inC + ci];
                }
                for (int b = 0; b < weightBlocksPerRow; b++) {
                    packedShift[(t * weightBlocksPerRow + b) * coutPadded + c] =
                            w.exponents()[(c * taps + t) * weightBlocksPerRow + b] - channels.lsb[c];
                }
            }
        }
        int laneBlocks = coutPadded / I.length();
        this.maxLaneShift = new int[taps * weightBlocksPerRow * laneBlocks];
        this.minLaneShift = new int[maxLaneShift.length];
        for (int tb = 0; tb < taps * weightBlocksPerRow; tb++) {
            for (int lb = 0; lb < laneBlocks; lb++) {
                int max = Integer.MIN_VALUE;
                int min = Integer.MAX_VALUE;
                for (int c = lb * I.length(), end = Math.min(w.channels(), c + I.length()); c < end; c++) {
                    max = Math.max(max, packedShift[tb * coutPadded + c]);
                    min = Math.min(min, packedShift[tb * coutPadded + c]);
                }
                maxLaneShift[tb * laneBlocks + lb] = max;
                minLaneShift[tb * laneBlocks + lb] = min;
            }
        }
        this.packedPreShifted = new int[packed.length];
        int weightBlock = Math.min(w.blockSize(), inC);
        for (int t = 0; t < taps; t++) {
            for (int ci = 0; ci < inC; ci++) {
                int tb = t * weightBlocksPerRow + ci / weightBlock;
                for (int c = 0; c < w.channels(); c++) {
                    int lanesAt = tb * laneBlocks + c / I.length();
                    if (maxLaneShift[lanesAt] - minLaneShift[lanesAt] <= fastSafeShift) {
                        int at = (t * inC + ci) * coutPadded + c;
                        packedPreShifted[at] = packed[at] << (packedShift[tb * coutPadded + c] - minLaneShift[lanesAt]);
                    }
                }
            }
        }
    }

    public AlignedAccumulator accumulator() {
        return accumulator;
    }

    /** Whether the native form runs this layer (the exact path then takes only the pixels it leaves). */
    boolean runsNatively() {
        return nativeForm != null;
    }

    /** The saturated accumulators of the last output pixel computed (before requantization); for tests. */
    int[] lastAccumulators() {
        return lanes ? Arrays.copyOfRange(pixelAcc, (lastPixels - 1) * coutPadded, lastPixels * coutPadded) : acc;
    }

    /** {@code in} is {@code n} images [inH][inW][inC], {@code out} is {@code n} images [outH][outW][cout]. */
    public void run(byte[] in, byte[] out, int n) {
        int inSize = g.inH() * g.inW() * g.inC();
        int outSize = g.outH() * g.outW() * w.channels();
        if (nativeForm != null) {
            if (nativeForm.run(in, 0, n, out)) {
                runFailedPixels(in, out, n);
            }
            if (prunedChannels.length > 0) {
                for (int m = 0, end = n * g.outH() * g.outW(); m < end; m++) {
                    for (int c : prunedChannels) {
                        out[m * w.channels() + c] = (byte) stage.outputZeroPoint();
                    }
                }
            }
            return;
        }
        for (int img = 0; img < n; img++) {
            if (lanes) {
                runLanes(in, img * inSize, out, img * outSize);
            } else {
                runExact(in, img * inSize, out, img * outSize);
            }
        }
    }

    private void runExact(byte[] in, int inBase, byte[] out, int outBase0) {
        final int inC = g.inC();
        for (int p = 0, n = g.inH() * g.inW(); p < n; p++) {
            input.requantize(in, inBase + p * inC, inC, inMant, p * inC, inExp, p * inputBlocksPerPixel);
        }
        final int cout = w.channels();
        final int taps = w.rows();
        final long[] wm = w.mantissas();
        final int[] we = w.exponents();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            for (int ox = 0; ox < g.outW(); ox++) {
                int ix0 = ox * g.strideW() - g.padLeft();
                for (int c = 0; c < cout; c++) {
                    if (w.pruned()[c]) {
                        continue;
                    }
                    long a = channels.bias[c];
                    int lsb = channels.lsb[c];
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
                            int pixel = iy * g.inW() + ix;
                            int tap = (c * taps + ky * g.kW() + kx);
                            a = accumulateRow(a, pixel * inC, pixel * inputBlocksPerPixel, tap * inC,
                                    tap * weightBlocksPerRow, lsb, wm, we);
                        }
                    }
                    acc[c] = (int) a;
                }
                int outBase = outBase0 + (oy * g.outW() + ox) * cout;
                stage.apply(acc, out, outBase, cout);
                for (int c : prunedChannels) {
                    out[outBase + c] = (byte) stage.outputZeroPoint();
                }
            }
        }
    }

    /** The output pixels the native form left to the exact path, one by one ({@link #accumulateLanes}). */
    private void runFailedPixels(byte[] in, byte[] out, int n) {
        byte[] failed = nativeForm.failed();
        int inSize = g.inH() * g.inW() * g.inC();
        int cout = w.channels();
        for (int img = 0; img < n; img++) {
            boolean quantized = false;
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    int m = (img * g.outH() + oy) * g.outW() + ox;
                    if (failed[m] == 0) {
                        continue;
                    }
                    if (!quantized) {
                        input.requantizeRows(in, img * inSize, g.inH() * g.inW(), g.inC(), inMantInt, inExp);
                        quantized = true;
                    }
                    for (int cb = 0; cb < coutPadded; cb += I.length()) {
                        accumulateLanes(oy * g.strideH() - g.padTop(), ox * g.strideW() - g.padLeft(), cb);
                    }
                    stage.apply(acc, out, m * cout, cout);
                    for (int c : prunedChannels) {
                        out[m * cout + c] = (byte) stage.outputZeroPoint();
                    }
                }
            }
        }
    }

    private long accumulateRow(long a, int aOff, int aExp, int wOff, int wExp, int lsb, long[] wm, int[] we) {
        for (int s = 0, n = seg.count(); s < n; s++) {
            long sum = 0;
            for (int i = seg.start()[s], end = seg.end()[s]; i < end; i++) {
                sum += inMant[aOff + i] * wm[wOff + i];
            }
            if (sum != 0) {
                a = accumulator.add(a, sum, inExp[aExp + seg.inputBlock()[s]] + we[wExp + seg.weightBlock()[s]] - lsb);
            }
        }
        return a;
    }

    /**
     * The same arithmetic with the segment sums of 16 output channels at a time in int lanes, for {@value #PIXELS}
     * output pixels of a row at a time (one weight load serves all of them).
     */
    private void runLanes(byte[] in, int inBase, byte[] out, int outBase0) {
        input.requantizeRows(in, inBase, g.inH() * g.inW(), g.inC(), inMantInt, inExp);
        final int cout = w.channels();
        final int lanesN = I.length();
        for (int oy = 0; oy < g.outH(); oy++) {
            int iy0 = oy * g.strideH() - g.padTop();
            for (int ox = 0; ox < g.outW(); ox += PIXELS) {
                int pixels = Math.min(PIXELS, g.outW() - ox);
                for (int cb = 0; cb < coutPadded; cb += lanesN) {
                    if (!accumulateFast(iy0, ox, pixels, cb)) {
                        for (int p = 0; p < pixels; p++) {
                            accumulateLanes(iy0, (ox + p) * g.strideW() - g.padLeft(), cb);
                            System.arraycopy(acc, cb, pixelAcc, p * coutPadded + cb, lanesN);
                        }
                    }
                }
                lastPixels = pixels;
                int rowBase = outBase0 + (oy * g.outW() + ox) * cout;
                stage.applyRows(pixelAcc, 0, coutPadded, out, rowBase, pixels, cout);
                for (int p = 0; p < pixels; p++) {
                    for (int c : prunedChannels) {
                        out[rowBase + p * cout + c] = (byte) stage.outputZeroPoint();
                    }
                }
            }
        }
    }

    /**
     * Output pixels {@code ox .. ox + pixels - 1} of a row (pixels <= {@value #PIXELS}), output channels {@code [cb,
     * cb + lanes)}, into {@code pixelAcc}, when that is provably the same as {@link #accumulateLanes}: the segment
     * sums are aligned in int lanes (left shifts exact, right shifts rounded to nearest with ties away from zero, as
     * {@link AlignedAccumulator#add}) and summed without saturation. That equals the sequential saturating adds when
     * no aligned term and no partial sum leaves the register, which holds when every term is below 2^fastTermBits
     * (so the lane sums cannot overflow) and |bias| + Σ|term| fits the register. Padding taps (and the pixels past
     * {@code pixels}) read an all-zero pixel: a zero sum adds nothing, as a skipped tap. Returns false, having written
     * nothing, when a lane fails either test; the caller then runs the exact path.
     */
    private boolean accumulateFast(int iy0, int ox, int pixels, int cb) {
        if (fastTermBits == 0) {
            return false;
        }
        final int inC = g.inC();
        final int segments = seg.count();
        final int[] segStart = seg.start();
        final int[] segEnd = seg.end();
        final int[] segIn = seg.inputBlock();
        final int[] segW = seg.weightBlock();
        final int zeroPixel = g.inH() * g.inW();
        final int lanesN = I.length();
        final int laneBlocks = coutPadded / lanesN;
        // the running lane sums live in arrays, not in loop-carried vectors: C2 on JDK 17 fails to keep vectors
        // that are phis of this loop nest unboxed and then allocates a box per operation
        Arrays.fill(fastSums, 0);
        if (trackMagnitudes) {
            Arrays.fill(fastMagnitudes, 0);
        }
        Arrays.fill(fastViolations, 0);
        for (int ky = 0; ky < g.kH(); ky++) {
            int iy = iy0 + ky * g.dilationH();
            boolean rowInside = iy >= 0 && iy < g.inH();
            for (int kx = 0; kx < g.kW(); kx++) {
                for (int p = 0; p < PIXELS; p++) {
                    int ix = (ox + p) * g.strideW() - g.padLeft() + kx * g.dilationW();
                    boolean inside = rowInside && p < pixels && ix >= 0 && ix < g.inW();
                    tapPixel[p] = inside ? iy * g.inW() + ix : zeroPixel;
                }
                int a0 = tapPixel[0] * inC;
                int a1 = tapPixel[1] * inC;
                int a2 = tapPixel[2] * inC;
                int a3 = tapPixel[3] * inC;
                int tap = ky * g.kW() + kx;
                int wOff = tap * inC * coutPadded + cb;
                int sOff = tap * weightBlocksPerRow * coutPadded + cb;
                for (int s = 0; s < segments; s++) {
                    int lanesAt = (tap * weightBlocksPerRow + segW[s]) * laneBlocks + cb / lanesN;
                    int maxShift = maxLaneShift[lanesAt];
                    int minShift = minLaneShift[lanesAt];
                    int k0 = preShift(tapPixel[0], segIn[s], minShift, maxShift);
                    int k1 = preShift(tapPixel[1], segIn[s], minShift, maxShift);
                    int k2 = preShift(tapPixel[2], segIn[s], minShift, maxShift);
                    int k3 = preShift(tapPixel[3], segIn[s], minShift, maxShift);
                    boolean preShifted = (k0 | k1 | k2 | k3) >= 0;
                    int[] weights = preShifted ? packedPreShifted : packed;
                    IntVector sum0 = IntVector.zero(I);
                    IntVector sum1 = IntVector.zero(I);
                    IntVector sum2 = IntVector.zero(I);
                    IntVector sum3 = IntVector.zero(I);
                    for (int i = segStart[s], end = segEnd[s]; i < end; i++) {
                        IntVector wv = IntVector.fromArray(I, weights, wOff + i * coutPadded);
                        sum0 = sum0.add(wv.mul(inMantInt[a0 + i]));
                        sum1 = sum1.add(wv.mul(inMantInt[a1 + i]));
                        sum2 = sum2.add(wv.mul(inMantInt[a2 + i]));
                        sum3 = sum3.add(wv.mul(inMantInt[a3 + i]));
                    }
                    if (preShifted) {
                        // Σ (m_w << (wShift - minShift)) · m_in, shifted by minShift + e_in: the exact aligned term
                        addTerm(0, sum0.lanewise(VectorOperators.LSHL, k0));
                        addTerm(lanesN, sum1.lanewise(VectorOperators.LSHL, k1));
                        addTerm(2 * lanesN, sum2.lanewise(VectorOperators.LSHL, k2));
                        addTerm(3 * lanesN, sum3.lanewise(VectorOperators.LSHL, k3));
                        continue;
                    }
                    sum0.intoArray(segmentSums, 0);
                    sum1.intoArray(segmentSums, lanesN);
                    sum2.intoArray(segmentSums, 2 * lanesN);
                    sum3.intoArray(segmentSums, 3 * lanesN);
                    int shiftAt = sOff + segW[s] * coutPadded;
                    for (int p = 0; p < PIXELS; p++) {
                        int e = inExp[tapPixel[p] * inputBlocksPerPixel + segIn[s]];
                        if (preShift(tapPixel[p], segIn[s], minShift, maxShift) >= 0) {
                            addShiftedLeft(p * lanesN, shiftAt, e);
                        } else {
                            // the per-lane range test only where the largest shift of these lanes could need it
                            alignInto(p * lanesN, shiftAt, e, Math.max(0, maxShift + e) > fastSafeShift);
                        }
                    }
                }
            }
        }
        int n = Math.min(lanesN, w.channels() - cb);
        for (int p = 0; p < pixels; p++) {
            if (IntVector.fromArray(I, fastViolations, p * lanesN).compare(VectorOperators.LT, 0).anyTrue()) {
                return false;
            }
            for (int j = 0; j < n; j++) {
                if (trackMagnitudes
                        && Math.abs(channels.bias[cb + j]) + fastMagnitudes[p * lanesN + j] > registerMax) {
                    return false;
                }
            }
        }
        IntVector bias = IntVector.fromArray(I, laneBias, cb);
        for (int p = 0; p < pixels; p++) {
            bias.add(IntVector.fromArray(I, fastSums, p * lanesN)).intoArray(pixelAcc, p * coutPadded + cb);
        }
        return true;
    }

    /**
     * The left shift of input pixel {@code pixel}'s segment sum over pre-shifted weights ({@link #packedPreShifted}):
     * {@code minShift + e_in} when every lane's shift {@code wShift + e_in} is a left shift of at most fastSafeShift
     * and magnitudes are not tracked, so that each term is exact and cannot leave the fast path; 0 for the all-zero
     * padding pixel (its sums are 0); else -1 (the segment is aligned lane by lane).
     */
    private int preShift(int pixel, int inputBlock, int minShift, int maxShift) {
        if (pixel == g.inH() * g.inW()) {
            return 0;
        }
        int e = inExp[pixel * inputBlocksPerPixel + inputBlock];
        return !trackMagnitudes && minShift + e >= 0 && maxShift + e <= fastSafeShift ? minShift + e : -1;
    }

    private void addTerm(int at, IntVector term) {
        IntVector.fromArray(I, fastSums, at).add(term).intoArray(fastSums, at);
    }

    /**
     * {@link #alignInto} for a pixel that {@link #preShift} accepts, in a segment aligned lane by lane (another
     * pixel was not accepted): each term is the segment sum shifted left, exactly, and cannot leave the fast path.
     */
    private void addShiftedLeft(int at, int shiftAt, int inputExponent) {
        IntVector shift = IntVector.fromArray(I, packedShift, shiftAt).add(inputExponent);
        addTerm(at, IntVector.fromArray(I, segmentSums, at).lanewise(VectorOperators.LSHL, shift));
    }

    /**
     * Aligns one vector of exact segment sums by its per-lane shifts and adds the terms (and, if tracked, their
     * magnitudes) into the running arrays at {@code at}; with {@code checkRange}, also marks the lanes that leave the fast path
     * (negative). Without it the caller has shown that no lane can (every left shift at most fastSafeShift).
     */
    private void alignInto(int at, int shiftAt, int inputExponent, boolean checkRange) {
        IntVector sum = IntVector.fromArray(I, segmentSums, at);
        IntVector shift = IntVector.fromArray(I, packedShift, shiftAt).add(inputExponent);
        IntVector left = shift.max(0);
        // |sum| < 2^29: a right shift of 30 rounds every sum to 0, as a longer one would
        IntVector right = shift.neg().max(0).min(MAX_LANE_SUM_BITS);
        IntVector magnitude = sum.abs();
        IntVector half = IntVector.broadcast(I, 1).lanewise(VectorOperators.LSHL, right)
                .lanewise(VectorOperators.ASHR, 1);
        IntVector aligned = magnitude.lanewise(VectorOperators.LSHL, left).add(half)
                .lanewise(VectorOperators.ASHR, right);
        if (checkRange) {
            // a nonzero sum whose left shift exceeds termBits, or whose magnitude reaches the limit
            // (2^termBits >> left) before its left shift, leaves the fast path: negative lanes
            final int termBits = fastTermBits;
            IntVector outOfRange = left.neg().add(termBits)
                    .or(IntVector.broadcast(I, 1 << termBits).lanewise(VectorOperators.ASHR, left)
                            .sub(1).sub(magnitude));
            IntVector.fromArray(I, fastViolations, at)
                    .or(outOfRange.and(magnitude.or(magnitude.neg()))).intoArray(fastViolations, at);
        }
        IntVector sign = sum.lanewise(VectorOperators.ASHR, 31);
        IntVector.fromArray(I, fastSums, at)
                .add(aligned.lanewise(VectorOperators.XOR, sign).sub(sign)).intoArray(fastSums, at);
        if (trackMagnitudes) {
            IntVector.fromArray(I, fastMagnitudes, at).add(aligned).intoArray(fastMagnitudes, at);
        }
    }

    /**
     * One output pixel, output channels {@code [cb, cb + lanes)}, into {@code acc}: the exact segment sums in int
     * lanes, each aligned into its channel's register by {@link AlignedAccumulator#add}.
     */
    private void accumulateLanes(int iy0, int ix0, int cb) {
        final int inC = g.inC();
        final int segments = seg.count();
        final int[] segStart = seg.start();
        final int[] segEnd = seg.end();
        final int[] segIn = seg.inputBlock();
        final int[] segW = seg.weightBlock();
        int n = Math.min(I.length(), w.channels() - cb);
        for (int j = 0; j < n; j++) {
            registers[cb + j] = channels.bias[cb + j];
        }
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
                int pixel = iy * g.inW() + ix;
                int aOff = pixel * inC;
                int aExp = pixel * inputBlocksPerPixel;
                int tap = ky * g.kW() + kx;
                int wOff = tap * inC * coutPadded + cb;
                int sOff = tap * weightBlocksPerRow * coutPadded + cb;
                for (int s = 0; s < segments; s++) {
                    IntVector sum = IntVector.zero(I);
                    for (int i = segStart[s], end = segEnd[s]; i < end; i++) {
                        sum = sum.add(IntVector.fromArray(I, packed, wOff + i * coutPadded)
                                .mul(inMantInt[aOff + i]));
                    }
                    sum.intoArray(segmentSums, 0);
                    int shiftAt = sOff + segW[s] * coutPadded;
                    int e = inExp[aExp + segIn[s]];
                    for (int j = 0; j < n; j++) {
                        int p = segmentSums[j];
                        int shift = packedShift[shiftAt + j] + e;
                        // the common case inline: an exact left shift that saturates nothing
                        long r = registers[cb + j];
                        if (shift >= 0 && shift < 32) {
                            long t = (long) p << shift; // |p| < 2^29: no overflow
                            long total = r + t;
                            if (total >= registerMin && total <= registerMax && t >= registerMin && t <= registerMax) {
                                registers[cb + j] = total;
                                continue;
                            }
                        }
                        if (p != 0) {
                            registers[cb + j] = accumulator.add(r, p, shift);
                        }
                    }
                }
            }
        }
        for (int j = 0; j < n; j++) {
            acc[cb + j] = (int) registers[cb + j];
        }
    }
}
