package io.bitsweep.eval.engine.exact;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ADD of two int8 tensors of the same shape, as TFLite's int8 kernel: both inputs are shifted left by 20 bits,
 * rescaled to twice the larger input scale, summed, rescaled to the output scale, offset and clamped. Eight
 * elements at a time ({@link FixedPointLanes}, each lane equal to the scalar int arithmetic, as
 * {@link FixedPoint#multiplyByQuantizedMultiplierSmallerThanOneExp} with shifts in [-31, 0]), the rest one by one;
 * or, with the native kernels, by a table of every output code by its two input codes (64 KB, computed once per
 * set of parameters by the scalar arithmetic), which {@code int8Add} in {@code bitsweep_kernels.c} gathers 16
 * elements a register: the arithmetic took a fifth of ResNet-8's native int8 time, in Java's 8 lanes and in C's 16
 * alike.
 */
public final class Int8Add {
    private static final VectorSpecies<Long> L = FixedPointLanes.L;
    private static final int LEFT_SHIFT = 20;
    /** Elements per pass. */
    private static final int CHUNK = 1024;
    /** Pairs of input codes. */
    private static final int TABLE_SIZE = 1 << 16;
    /**
     * The native tables by their parameters. A search compiles a program per candidate and task; the scales of an ADD
     * come from the float model's calibration and the formats, so candidates that give it the same formats share its
     * table (building one takes about 0.2 ms: ResNet-8's three were a third of its whole compile; 64 tables are 4 MB).
     */
    private static final Cache<TableKey, byte[]> TABLES = Caffeine.newBuilder().maximumSize(64).build();

    private final int input1Offset;
    private final int input2Offset;
    private final QuantizedMultiplier input1Multiplier;
    private final QuantizedMultiplier input2Multiplier;
    private final QuantizedMultiplier outputMultiplier;
    private final int outputZeroPoint;
    private final int activationMin;
    private final int activationMax;
    /** The rescaled sum of a chunk. */
    private final long[] sum = new long[CHUNK];
    /** The native kernel's table ({@link #nativeTable}), or null on the Java kernels. */
    private final byte[] nativeTable;

    /** On the Java kernels. */
    public Int8Add(float scale1, int zeroPoint1, float scale2, int zeroPoint2, float outScale, int outZeroPoint,
            int[] outputRange) {
        this(scale1, zeroPoint1, scale2, zeroPoint2, outScale, outZeroPoint, outputRange, Kernels.JAVA);
    }

    /**
     * @param outputRange the clamp {@code {min, max}} (the fused activation's, see {@link ActivationRange})
     * @param kernels native where {@link NativeKernels#use} says so, else Java
     */
    public Int8Add(float scale1, int zeroPoint1, float scale2, int zeroPoint2, float outScale, int outZeroPoint,
            int[] outputRange, Kernels kernels) {
        this.input1Offset = -zeroPoint1;
        this.input2Offset = -zeroPoint2;
        // As TFLite: 2 * max(float, float) is a float product, exact; the ratios are taken in double.
        double twiceMaxInputScale = 2 * Math.max(scale1, scale2);
        this.input1Multiplier = smallerThanOne(scale1 / twiceMaxInputScale);
        this.input2Multiplier = smallerThanOne(scale2 / twiceMaxInputScale);
        this.outputMultiplier = smallerThanOne(twiceMaxInputScale / ((1 << LEFT_SHIFT) * outScale));
        this.outputZeroPoint = outZeroPoint;
        this.activationMin = outputRange[0];
        this.activationMax = outputRange[1];
        this.nativeTable = NativeKernels.use(kernels) ? TABLES.get(new TableKey(input1Offset, input1Multiplier,
                input2Offset, input2Multiplier, outputMultiplier, outputZeroPoint, activationMin, activationMax),
                key -> nativeTable()) : null;
    }

    /** Whether {@link #run} runs the native kernel. */
    boolean runsNatively() {
        return nativeTable != null;
    }

    /** Everything {@link #add} depends on. */
    private record TableKey(int input1Offset, QuantizedMultiplier input1, int input2Offset, QuantizedMultiplier input2,
            QuantizedMultiplier output, int outputZeroPoint, int activationMin, int activationMax) {}

    /**
     * Every output code by its input codes, at {@code (a & 0xFF) << 8 | (b & 0xFF)}, by the scalar arithmetic (each
     * input's rescale once per code, then the sum's per pair), with the 3 bytes of slack the native kernel's 4-byte
     * gather reads past the last entry.
     */
    private byte[] nativeTable() {
        int[] scaled1 = new int[256];
        int[] scaled2 = new int[256];
        for (int q = -128; q < 128; q++) {
            scaled1[q & 0xFF] = rescale(q + input1Offset, input1Multiplier);
            scaled2[q & 0xFF] = rescale(q + input2Offset, input2Multiplier);
        }
        byte[] table = new byte[TABLE_SIZE + 3];
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                table[a << 8 | b] = (byte) output(scaled1[a] + scaled2[b]);
            }
        }
        return table;
    }

    /** The parameters an exporter writes out: each input's rescale and the output's. */
    public QuantizedMultiplier input1Multiplier() {
        return input1Multiplier;
    }

    public QuantizedMultiplier input2Multiplier() {
        return input2Multiplier;
    }

    public QuantizedMultiplier outputMultiplier() {
        return outputMultiplier;
    }

    private static QuantizedMultiplier smallerThanOne(double real) {
        if (!(real > 0 && real < 1)) {
            throw new IllegalArgumentException("ADD rescale factor must be in (0, 1), got " + real);
        }
        return QuantizedMultiplier.of(real);
    }

    /** Adds the first {@code count} elements of {@code a} and {@code b} into {@code out}. */
    public void run(byte[] a, byte[] b, byte[] out, int count) {
        if (nativeTable != null) {
            if (count > Math.min(a.length, Math.min(b.length, out.length))) {
                throw new IndexOutOfBoundsException("ADD of " + count + " elements: arrays of " + a.length + ", "
                        + b.length + ", " + out.length);
            }
            NativeKernels.int8Add(a, b, out, count, nativeTable);
        } else {
            runJava(a, b, out, count);
        }
    }

    private void runJava(byte[] a, byte[] b, byte[] out, int count) {
        final int lanes = FixedPointLanes.LANES;
        int vectorized = count - count % lanes;
        for (int from = 0; from < vectorized; from += CHUNK) {
            int to = Math.min(vectorized, from + CHUNK);
            // three passes over a chunk, each small enough for C2 on JDK 17 to keep its vectors unboxed
            rescaleInto(a, from, to, input1Offset, input1Multiplier, false);
            rescaleInto(b, from, to, input2Offset, input2Multiplier, true);
            rescaleOut(out, from, to);
        }
        for (int i = vectorized; i < count; i++) {
            out[i] = (byte) add(a[i], b[i]);
        }
    }

    /** {@code sum[i - from] (+)= rescale((x[i] - zp) << 20)} for one input. */
    private void rescaleInto(byte[] x, int from, int to, int offset, QuantizedMultiplier m, boolean accumulate) {
        LongVector multiplier = LongVector.broadcast(L, m.multiplier());
        LongVector exponent = LongVector.broadcast(L, -m.shift());
        LongVector mask = LongVector.broadcast(L, (int) ((1L << -m.shift()) - 1));
        for (int i = from; i < to; i += FixedPointLanes.LANES) {
            // |q - zp| <= 255, so (q - zp) << 20 fits an int: no wrap to emulate
            LongVector shifted = FixedPointLanes.loadBytes(x, i).add(offset).lanewise(VectorOperators.LSHL, LEFT_SHIFT);
            LongVector scaled = FixedPointLanes.roundingDivideByPot(FixedPointLanes.highMul(shifted, multiplier),
                    exponent, mask);
            // each rescaled input is at most half its input in magnitude: the sum fits an int
            (accumulate ? scaled.add(LongVector.fromArray(L, sum, i - from)) : scaled).intoArray(sum, i - from);
        }
    }

    /** The output rescale of {@code sum}, zero point and clamp, into {@code out[from..to)}. */
    private void rescaleOut(byte[] out, int from, int to) {
        LongVector multiplier = LongVector.broadcast(L, outputMultiplier.multiplier());
        LongVector exponent = LongVector.broadcast(L, -outputMultiplier.shift());
        LongVector mask = LongVector.broadcast(L, (int) ((1L << -outputMultiplier.shift()) - 1));
        for (int i = from; i < to; i += FixedPointLanes.LANES) {
            LongVector v = FixedPointLanes.roundingDivideByPot(
                    FixedPointLanes.highMul(LongVector.fromArray(L, sum, i - from), multiplier), exponent, mask);
            FixedPointLanes.storeBytes(v.add(outputZeroPoint).max(activationMin).min(activationMax), out, i);
        }
    }

    private int add(byte a, byte b) {
        return output(rescale(a + input1Offset, input1Multiplier) + rescale(b + input2Offset, input2Multiplier));
    }

    /** One input's rescale of {@code q - zp}. */
    private static int rescale(int offsetCode, QuantizedMultiplier m) {
        return FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(offsetCode << LEFT_SHIFT, m.multiplier(),
                m.shift());
    }

    /** The sum's rescale to the output scale, zero point and clamp. */
    private int output(int sum) {
        int raw = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(sum, outputMultiplier.multiplier(),
                outputMultiplier.shift()) + outputZeroPoint;
        return Math.min(activationMax, Math.max(activationMin, raw));
    }
}
