package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Turns int32 accumulators into int8 activations: optional saturation to a narrower accumulator, per-channel
 * requantization, output zero point, activation clamp. One instance per layer; it counts the accumulator
 * saturation events it applied (never reset implicitly, so a run can report them). With a {@link ResidualInput}
 * (a fused residual ADD) the rescaled shortcut is added to each accumulator first: the sum, in 64 bits, is
 * saturated to the accumulator width (32 bits included, counted) and then requantized.
 *
 * <p>Eight channels at a time ({@link FixedPointLanes}, every lane equal to the scalar {@link RequantRounding});
 * a fused residual ADD runs the scalar form. The per-channel constants are laid out per lane once, so a channel
 * block costs loads of constants and no per-channel branch: {@link RequantRounding#SHIFT}'s power-of-two channels
 * are the double-rounding form with the high multiply switched off by a lane mask.
 */
public final class OutputStage {
    private static final VectorSpecies<Long> L = FixedPointLanes.L;
    private static final int LANES = FixedPointLanes.LANES;
    /**
     * Ints an accumulator array needs past a row's last channel for that row to be requantized by vectors to the end
     * (a load of 8 accumulators reads a whole 16-int vector); rows without it take the scalar form.
     */
    public static final int ACCUMULATOR_SLACK = 16;

    private final int channels;
    private final int[] multiplier;
    private final int[] shift;
    private final int outputZeroPoint;
    private final int activationMin;
    private final int activationMax;
    private final RequantRounding rounding;
    private final int accumulatorBits;
    private final long accumulatorMin;
    private final long accumulatorMax;
    private final ResidualInput residual;
    private long saturations;
    private final byte[] scratch = new byte[FixedPointLanes.LANES];

    // per lane (channels padded to whole vectors): SINGLE uses the first three, DOUBLE and SHIFT the others
    private final long[] laneMultiplier;
    private final long[] laneRound;
    private final long[] laneRightShift;
    private final long[] laneLeftShift;
    private final long[] laneExponent;
    private final long[] laneExponentMask;
    /** -1 (all bits) where the double-rounding form multiplies (every lane but SHIFT's power-of-two channels), else 0. */
    private final long[] laneHighMul;

    /**
     * @param multipliers one per output channel, or one for all {@code channels}
     * @param accumulatorBits 32 reproduces TFLite (int32 wraps, never saturates); fewer bits saturate the final
     *     accumulator (bias included) to a signed {@code accumulatorBits}-bit range and count the event
     */
    public OutputStage(QuantizedMultiplier[] multipliers, int channels, int outputZeroPoint, int activationMin,
            int activationMax, RequantRounding rounding, int accumulatorBits) {
        this(multipliers, channels, outputZeroPoint, activationMin, activationMax, rounding, accumulatorBits, null);
    }

    /**
     * @param residual the shortcut of a residual ADD fused into this layer, or null; then {@code out} of
     *     {@link #apply(int[], int, byte[], int, int)} is the ADD's output and {@code outOffset + c} indexes the
     *     shortcut too
     */
    public OutputStage(QuantizedMultiplier[] multipliers, int channels, int outputZeroPoint, int activationMin,
            int activationMax, RequantRounding rounding, int accumulatorBits, ResidualInput residual) {
        if (residual != null && residual.channels() != channels) {
            throw new IllegalArgumentException(residual.channels() + " shortcut multipliers for " + channels
                    + " channels");
        }
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new IllegalArgumentException("accumulator bits must be in 8..32, got " + accumulatorBits);
        }
        if (multipliers.length != 1 && multipliers.length != channels) {
            throw new IllegalArgumentException(multipliers.length + " multipliers for " + channels + " channels");
        }
        this.channels = channels;
        this.multiplier = new int[channels];
        this.shift = new int[channels];
        for (int c = 0; c < channels; c++) {
            QuantizedMultiplier m = multipliers[multipliers.length == 1 ? 0 : c];
            multiplier[c] = m.multiplier();
            shift[c] = m.shift();
        }
        this.outputZeroPoint = outputZeroPoint;
        this.activationMin = activationMin;
        this.activationMax = activationMax;
        this.rounding = rounding;
        this.accumulatorBits = accumulatorBits;
        this.accumulatorMin = -(1L << (accumulatorBits - 1));
        this.accumulatorMax = (1L << (accumulatorBits - 1)) - 1;
        this.residual = residual;
        int padded = Int8Conv2d.ceilTo(channels, LANES);
        this.laneMultiplier = new long[padded];
        this.laneRound = new long[padded];
        this.laneRightShift = new long[padded];
        this.laneLeftShift = new long[padded];
        this.laneExponent = new long[padded];
        this.laneExponentMask = new long[padded];
        this.laneHighMul = new long[padded];
        for (int c = 0; c < channels; c++) {
            laneMultiplier[c] = multiplier[c];
            // FixedPoint.multiplyByQuantizedMultiplierSingleRounding's constants, with Java's shift semantics
            int totalShift = 31 - shift[c];
            laneRound[c] = 1L << (totalShift - 1);
            laneRightShift[c] = totalShift;
            boolean powerOfTwo = rounding == RequantRounding.SHIFT && multiplier[c] == 1 << 30;
            // RequantRounding.SHIFT on a power of two: x << (shift - 1), or RoundingDivideByPOT(x, 1 - shift)
            int left = powerOfTwo ? Math.max(shift[c] - 1, 0) : Math.max(shift[c], 0);
            int exponent = powerOfTwo ? (shift[c] >= 1 ? 0 : 1 - shift[c]) : Math.max(-shift[c], 0);
            // the int shift counts as Java masks them, and the int mask of FixedPoint.roundingDivideByPot
            laneLeftShift[c] = left & 31;
            laneExponent[c] = exponent & 31;
            laneExponentMask[c] = (int) ((1L << exponent) - 1);
            laneHighMul[c] = powerOfTwo ? 0 : -1;
        }
    }

    /**
     * This stage's per-channel constants for the native kernel's fused requantization, rows {@code stride} ints
     * apart: {@code [multiplier | left shift | rounding exponent | exponent mask | high-multiply mask | 31 - shift]},
     * each as the scalar arithmetic uses it; null where the Java form must run (a residual input, or an accumulator
     * narrower than 32 bits, whose saturations it counts).
     */
    int[] nativeTable(int stride) {
        if (residual != null || accumulatorBits < 32) {
            return null;
        }
        int[] t = new int[6 * stride];
        for (int c = 0; c < channels; c++) {
            t[c] = multiplier[c];
            t[stride + c] = (int) laneLeftShift[c];
            t[2 * stride + c] = (int) laneExponent[c];
            t[3 * stride + c] = (int) laneExponentMask[c];
            t[4 * stride + c] = (int) laneHighMul[c];
            t[5 * stride + c] = 31 - shift[c];
        }
        return t;
    }

    /** Whether the native table is in the single-rounding form (else the double-rounding one). */
    boolean singleRounding() {
        return rounding == RequantRounding.SINGLE;
    }

    int activationMin() {
        return activationMin;
    }

    int activationMax() {
        return activationMax;
    }

    /** Requantizes {@code n} accumulators of consecutive channels {@code 0..n-1} into {@code out[outOffset..]}. */
    public void apply(int[] acc, byte[] out, int outOffset, int n) {
        applyRows(acc, 0, 0, out, outOffset, 1, n);
    }

    /** As {@link #apply(int[], byte[], int, int)}, reading the accumulators from {@code acc[accOffset..]}. */
    public void apply(int[] acc, int accOffset, byte[] out, int outOffset, int n) {
        applyRows(acc, accOffset, 0, out, outOffset, 1, n);
    }

    /**
     * {@code rows} rows of {@code n} channels: row r's accumulators at {@code acc[accOffset + r · accStride..]}, its
     * outputs at {@code out[outOffset + r · n..]}. With a narrower accumulator the accumulators are saturated in
     * place.
     */
    public void applyRows(int[] acc, int accOffset, int accStride, byte[] out, int outOffset, int rows, int n) {
        if (residual != null) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < n; c++) {
                    int at = outOffset + r * n + c;
                    out[at] = (byte) applyWithShortcut(acc[accOffset + r * accStride + c], at, c);
                }
            }
            return;
        }
        // each step is its own method, reading and writing arrays only: C2 on JDK 17 stops inlining at a node
        // count the vector operations of all three together pass, and a vector crossing a call is boxed
        if (accumulatorBits < 32) {
            saturateRows(acc, accOffset, accStride, rows, n);
        }
        if (rounding == RequantRounding.SINGLE) {
            singleRoundingRows(acc, accOffset, accStride, out, outOffset, rows, n);
        } else {
            doubleRoundingRows(acc, accOffset, accStride, out, outOffset, rows, n);
        }
    }

    /** Saturates the accumulators to the accumulator width in place, 16 at a time, counting every saturated one. */
    private void saturateRows(int[] acc, int accOffset, int accStride, int rows, int n) {
        final int lanes = IntVector.SPECIES_512.length();
        for (int r = 0; r < rows; r++) {
            int row = accOffset + r * accStride;
            int c = 0;
            for (; c + lanes <= n; c += lanes) {
                IntVector a = IntVector.fromArray(IntVector.SPECIES_512, acc, row + c);
                saturations += a.compare(VectorOperators.GT, (int) accumulatorMax)
                        .or(a.compare(VectorOperators.LT, (int) accumulatorMin)).trueCount();
                a.max((int) accumulatorMin).min((int) accumulatorMax).intoArray(acc, row + c);
            }
            for (; c < n; c++) {
                int a = acc[row + c];
                if (a < accumulatorMin || a > accumulatorMax) {
                    acc[row + c] = (int) (a < accumulatorMin ? accumulatorMin : accumulatorMax);
                    saturations++;
                }
            }
        }
    }

    /** {@link RequantRounding#SINGLE}: whole runs of rows at once where they are dense, else row by row. */
    private void singleRoundingRows(int[] acc, int accOffset, int accStride, byte[] out, int outOffset, int rows,
            int n) {
        if (isFlat(acc, accOffset, accStride, rows, n)) {
            singleRounding(acc, accOffset, out, outOffset, rows * n, n);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = accOffset + r * accStride;
            int vectorized = isFlat(acc, row, n, 1, n) ? n : 0;
            singleRounding(acc, row, out, outOffset + r * n, vectorized, n);
            scalarRows(acc, row + vectorized, out, outOffset + r * n + vectorized, vectorized, n - vectorized);
        }
    }

    /** {@link RequantRounding#DOUBLE} and {@link RequantRounding#SHIFT}, as {@link #singleRoundingRows}. */
    private void doubleRoundingRows(int[] acc, int accOffset, int accStride, byte[] out, int outOffset, int rows,
            int n) {
        if (isFlat(acc, accOffset, accStride, rows, n)) {
            doubleRounding(acc, accOffset, out, outOffset, rows * n, n);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int row = accOffset + r * accStride;
            int vectorized = isFlat(acc, row, n, 1, n) ? n : 0;
            doubleRounding(acc, row, out, outOffset + r * n, vectorized, n);
            scalarRows(acc, row + vectorized, out, outOffset + r * n + vectorized, vectorized, n - vectorized);
        }
    }

    /**
     * Whether {@code rows} rows of {@code n} accumulators are one run that vectors can cover: consecutive (or a
     * single row), a whole number of vectors per row when there are several (so the channel pattern of the per-lane
     * constants repeats), and a whole int vector readable past the last vector ({@link #ACCUMULATOR_SLACK}).
     */
    private static boolean isFlat(int[] acc, int at, int stride, int rows, int n) {
        return (rows == 1 || (stride == n && n % LANES == 0))
                && acc.length - at >= (rows - 1) * n + Int8Conv2d.ceilTo(n, LANES) + ACCUMULATOR_SLACK - LANES;
    }

    /** {@code count} accumulators from {@code acc[at]}, channel {@code i % n}, 8 at a time. */
    private void singleRounding(int[] acc, int at, byte[] out, int outAt, int count, int n) {
        for (int i = 0, c = 0; i < count; i += LANES) {
            LongVector v = FixedPointLanes.singleRounding(FixedPointLanes.loadInts(acc, at + i),
                    LongVector.fromArray(L, laneMultiplier, c), LongVector.fromArray(L, laneRound, c),
                    LongVector.fromArray(L, laneRightShift, c));
            store(v, out, outAt + i, Math.min(LANES, count - i));
            c = c + LANES == n ? 0 : c + LANES;
        }
    }

    /**
     * As {@link #singleRounding} with the double-rounding form: {@code (x << leftShift)} wrapped to an int, its high
     * multiply (skipped by SHIFT's power-of-two channels, whose lane mask is 0), RoundingDivideByPOT.
     */
    private void doubleRounding(int[] acc, int at, byte[] out, int outAt, int count, int n) {
        for (int i = 0, c = 0; i < count; i += LANES) {
            LongVector y = FixedPointLanes.wrap(FixedPointLanes.loadInts(acc, at + i)
                    .lanewise(VectorOperators.LSHL, LongVector.fromArray(L, laneLeftShift, c)));
            LongVector high = FixedPointLanes.highMul(y, LongVector.fromArray(L, laneMultiplier, c));
            LongVector z = y.add(high.sub(y).and(LongVector.fromArray(L, laneHighMul, c)));
            store(FixedPointLanes.roundingDivideByPot(z, LongVector.fromArray(L, laneExponent, c),
                    LongVector.fromArray(L, laneExponentMask, c)), out, outAt + i, Math.min(LANES, count - i));
            c = c + LANES == n ? 0 : c + LANES;
        }
    }

    /** Output zero point (wrapping as int), clamp, the first {@code lanes} lanes as bytes. */
    private void store(LongVector requantized, byte[] out, int at, int lanes) {
        LongVector v = FixedPointLanes.wrap(requantized.add(outputZeroPoint)).max(activationMin).min(activationMax);
        if (lanes == LANES) {
            FixedPointLanes.storeBytes(v, out, at);
        } else {
            // a masked store is not intrinsified on JDK 17: it costs more than this copy
            FixedPointLanes.storeBytes(v, scratch, 0);
            System.arraycopy(scratch, 0, out, at, lanes);
        }
    }

    /** Channels {@code c .. c + lanes - 1} one by one (where a whole vector cannot be loaded); already saturated. */
    private void scalarRows(int[] acc, int at, byte[] out, int outAt, int c, int lanes) {
        for (int j = 0; j < lanes; j++) {
            out[outAt + j] = (byte) requantize(acc[at + j], c + j);
        }
    }

    /** Accumulator plus the rescaled shortcut element {@code index}, saturated to the accumulator width, requantized. */
    private int applyWithShortcut(int acc, int index, int c) {
        long sum = acc + residual.term(index, c);
        if (sum < accumulatorMin || sum > accumulatorMax) {
            sum = sum < accumulatorMin ? accumulatorMin : accumulatorMax;
            saturations++;
        }
        return requantize((int) sum, c);
    }

    private int requantize(int a, int c) {
        int v = rounding.apply(a, multiplier[c], shift[c]) + outputZeroPoint;
        return Math.max(activationMin, Math.min(activationMax, v));
    }

    public long saturations() {
        return saturations;
    }

    public int outputZeroPoint() {
        return outputZeroPoint;
    }

    public int channels() {
        return channels;
    }
}
