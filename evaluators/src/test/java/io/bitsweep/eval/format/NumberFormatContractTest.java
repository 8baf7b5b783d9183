package io.bitsweep.eval.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every number format keeps, checked on every format family, option and rounding mode, on data with
 * normal, uniform, outlier-heavy, tiny and huge values and exact zeros, and on ragged blocks.
 */
class NumberFormatContractTest {

    static final List<String> SPECS = List.of(
            "int2", "int3", "int4", "int8", "int16", "int4:asym", "int8:asym", "int16:asym",
            "int2:pot", "int4:pot", "int8:pot", "int4:asym:pot", "int8:asym:pot",
            "pruned", "fp32",
            "bfp:m2:b4", "bfp:m4:b16", "bfp:m8:b16:e4", "bfp:m5:b7:e5", "bfp:m16:b256",
            "mxint8", "mxint8:b16", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1",
            "mxfp4_e2m1:b4");

    static Stream<Arguments> formatsAndModes() {
        return SPECS.stream().flatMap(s -> Stream.of(Rounding.values()).map(r -> Arguments.of(s, r)));
    }

    static Stream<String> formats() {
        return SPECS.stream();
    }

    /** Layouts to test a format on, for a [rows, cols] tensor. */
    static List<Layout> layouts(NumberFormat f, int[] shape) {
        List<Layout> out = new ArrayList<>();
        if (f instanceof BlockFormat) {
            out.add(f.layout(shape, Granularity.blocks(-1)));
            out.add(f.layout(shape, Granularity.blocks(0)));
        } else {
            out.add(f.layout(shape, Granularity.perTensor()));
            out.add(f.layout(shape, Granularity.perChannel(0)));
            out.add(f.layout(shape, Granularity.perChannel(1)));
        }
        return out;
    }

    /** Test tensors of shape [9, 67]: several distributions, each with exact zeros sprinkled in. */
    static List<float[]> samples(long seed) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>();
        int n = 9 * 67;
        for (int kind = 0; kind < 6; kind++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                double v = switch (kind) {
                    case 0 -> rnd.nextGaussian();
                    case 1 -> rnd.nextDouble() * 2 - 1;
                    case 2 -> rnd.nextGaussian() * (rnd.nextInt(20) == 0 ? 100 : 0.1);
                    case 3 -> rnd.nextGaussian() * 1e-30;
                    case 4 -> rnd.nextGaussian() * 1e30;
                    default -> Math.abs(rnd.nextGaussian()) + 0.5; // all positive: asymmetric ranges
                };
                x[i] = rnd.nextInt(10) == 0 ? 0f : (float) v;
            }
            out.add(x);
        }
        return out;
    }

    static final int[] SHAPE = {9, 67};

    static float[] qd(NumberFormat f, float[] x, Layout l, Rounding r) {
        float[] y = new float[x.length];
        f.quantizeDequantize(x, y, l, r);
        return y;
    }

    /**
     * Power-of-two grids re-quantize exactly in every mode; symmetric float scales in nearest and even. An
     * asymmetric float scale is re-derived from the dequantized range, whose ends can move by up to half a step
     * when the zero point is nudged (as in TFLite), so it is only checked to stay within one step (two for floor,
     * which can drop the max element's code and shrink the scale; see IntFormat).
     */
    static boolean idempotentIn(NumberFormat f, Rounding r) {
        if (f instanceof IntFormat i && !i.powerOfTwo()) {
            return r != Rounding.FLOOR && !i.asymmetric();
        }
        return true;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void representableValuesArePreserved(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        for (Layout l : layouts(f, SHAPE)) {
            QuantizedTensor q = QuantizedTensor.forLayout(l);
            for (float[] x : samples(1)) {
                float[] once = qd(f, x, l, r);
                float[] twice = qd(f, once, l, r);
                if (idempotentIn(f, r)) {
                    assertBitsEqual(once, twice, spec + " " + r + " " + l + ": q(dq(q(x))) != q(x)");
                } else {
                    f.quantize(x, l, r, q);
                    for (int i = 0; i < x.length; i++) {
                        float step = q.scales[l.kind() == Layout.Kind.CHANNEL ? channelOf(l, i) : 0];
                        // floor drifts further: the max element itself can drop a code, which shrinks the scale
                        double steps = r == Rounding.FLOOR ? 2.0001 : 1.0001;
                        assertEquals(once[i], twice[i], step * steps, spec + " " + r + " " + l + " at " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void integerPathMatchesFloatPathBitForBit(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        for (Layout l : layouts(f, SHAPE)) {
            QuantizedTensor q = QuantizedTensor.forLayout(l);
            float[] back = new float[l.size()];
            for (float[] x : samples(2)) {
                f.quantize(x, l, r, q);
                f.dequantize(q, l, back);
                assertBitsEqual(qd(f, x, l, r), back, spec + " " + r + " " + l);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void groupRangesComposeToTheWholeTensor(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        for (Layout l : layouts(f, SHAPE)) {
            float[] x = samples(3).get(0);
            float[] piecewise = new float[x.length];
            int mid = l.groups() / 2;
            f.quantizeDequantize(x, piecewise, l, r, mid, l.groups());
            f.quantizeDequantize(x, piecewise, l, r, 0, mid);
            assertBitsEqual(qd(f, x, l, r), piecewise, spec + " " + l);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void monotonicWithinAGroup(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        Random rnd = new Random(4);
        int n = f instanceof BlockFormat b ? b.blockSize() : 500;
        for (int trial = 0; trial < 20; trial++) {
            float[] x = new float[n];
            double scale = Math.pow(10, rnd.nextInt(13) - 6);
            for (int i = 0; i < n; i++) {
                x[i] = (float) (rnd.nextGaussian() * scale);
            }
            Arrays.sort(x);
            Layout l = f.layout(new int[] {n}, f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
            float[] y = qd(f, x, l, r);
            for (int i = 1; i < n; i++) {
                assertTrue(y[i - 1] <= y[i], spec + " " + r + ": not monotonic at " + x[i - 1] + " -> " + y[i - 1]
                        + ", " + x[i] + " -> " + y[i]);
            }
        }
    }

    /**
     * Sweeps t over [-M, M] in rows [M, -M, t, 0, ...] that share one scale, so the outputs trace the group's
     * grid; then checks each t went to the right grid point: a nearest one (nearest, even), or the largest one
     * not above |t| in magnitude (floor). This bounds the error by half a step (nearest) or one step (floor)
     * without knowing the format, and covers saturation at the element's max normal.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void roundsToTheRightGridPoint(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        for (float m : new float[] {1f, 7.3f, 3.1e-3f, 5e4f}) {
            int rows = 4001;
            int cols = f instanceof BlockFormat b ? b.blockSize() : 3;
            float[] x = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                x[i * cols] = m;
                x[i * cols + 1] = -m;
                x[i * cols + 2] = (float) (-m + 2.0 * m * i / (rows - 1));
            }
            int[] shape = {rows, cols};
            Layout l = f.layout(shape, f instanceof BlockFormat ? Granularity.blocks(1) : Granularity.perChannel(0));
            float[] y = qd(f, x, l, r);
            TreeSet<Float> grid = new TreeSet<>();
            for (float v : y) {
                grid.add(v + 0f);
            }
            for (int i = 0; i < rows; i++) {
                float t = x[i * cols + 2];
                float got = y[i * cols + 2];
                double tol = Math.ulp(got) + Math.ulp(t);
                if (r == Rounding.FLOOR) {
                    assertTrue(Math.abs(got) <= Math.abs(t) + tol && (got == 0 || Math.signum(got) == Math.signum(t)),
                            spec + " floor: " + t + " -> " + got);
                    Float next = t >= 0 ? grid.higher(got + 0f) : grid.lower(got + 0f);
                    if (next != null) {
                        assertTrue(Math.abs(next) > Math.abs(t) - tol,
                                spec + " floor: " + t + " -> " + got + " but " + next + " is closer below");
                    }
                } else {
                    Float below = grid.floor(t);
                    Float above = grid.ceiling(t);
                    double best = Math.min(below == null ? Double.MAX_VALUE : t - (double) below,
                            above == null ? Double.MAX_VALUE : (double) above - t);
                    if (Math.abs((double) got - t) > best + tol) {
                        fail(spec + " " + r + " (M=" + m + "): " + t + " -> " + got + ", but the grid has "
                                + below + " and " + above);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void zerosStayZero(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        for (Layout l : layouts(f, SHAPE)) {
            for (float[] x : samples(5)) {
                float[] y = qd(f, x, l, r);
                for (int i = 0; i < x.length; i++) {
                    if (x[i] == 0) {
                        assertEquals(0f, y[i], 0f, spec + " " + l + " index " + i);
                    }
                }
            }
            float[] zeros = qd(f, new float[l.size()], l, r);
            QuantizedTensor q = QuantizedTensor.forLayout(l);
            f.quantize(new float[l.size()], l, r, q);
            for (int i = 0; i < l.size(); i++) {
                assertEquals(0f, zeros[i], 0f);
                int zeroCode = f instanceof IntFormat fi && fi.asymmetric() ? fi.qmin() : 0;
                assertEquals(zeroCode, q.codes[i], spec + ": the code of 0 in an all-zero tensor");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("formatsAndModes")
    void symmetricFormatsAreSignSymmetric(String spec, Rounding r) {
        NumberFormat f = NumberFormat.parse(spec);
        if (f instanceof IntFormat i && i.asymmetric()) {
            return;
        }
        for (Layout l : layouts(f, SHAPE)) {
            for (float[] x : samples(6)) {
                float[] neg = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    neg[i] = -x[i];
                }
                float[] y = qd(f, x, l, r);
                float[] yn = qd(f, neg, l, r);
                for (int i = 0; i < x.length; i++) {
                    assertEquals(-y[i], yn[i], 0f, spec + " " + r + " at " + x[i]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void bitsPerElementAndPackedSizeAgree(String spec) {
        NumberFormat f = NumberFormat.parse(spec);
        for (int[] shape : new int[][] {{4, 256}, {3, 5, 7}, {1}, {0, 8}}) {
            Granularity g = f instanceof BlockFormat ? Granularity.blocks(-1) : Granularity.perChannel(0);
            Layout l = f.layout(shape, g);
            long n = l.size();
            assertEquals(n * f.elementBits() + (long) l.groups() * f.groupOverheadBits(), f.packedBits(l));
            assertEquals((f.packedBits(l) + 7) / 8, f.packedBytes(l));
            assertTrue(f.bitsPerElement() >= f.elementBits());
            if (f instanceof BlockFormat b) {
                int last = shape[shape.length - 1];
                assertEquals(n == 0 ? 0 : n / last * ((last + b.blockSize() - 1) / b.blockSize()), l.groups());
                if (last % b.blockSize() == 0) {
                    assertEquals(n * f.bitsPerElement(), (double) f.packedBits(l), 1e-9, spec + " " + l);
                }
            } else {
                assertEquals(f.elementBits(), f.bitsPerElement(), 0.0);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void specStringIsCanonicalAndIdentifiesTheFormat(String spec) {
        NumberFormat f = NumberFormat.parse(spec);
        assertEquals(spec, f.spec());
        assertEquals(spec, f.toString());
        NumberFormat again = NumberFormat.parse(" " + spec.toUpperCase() + " ");
        assertEquals(f, again);
        assertEquals(f.hashCode(), again.hashCode());
        for (String other : SPECS) {
            assertEquals(other.equals(spec), NumberFormat.parse(other).equals(f));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void quantizingAllocatesNothing(String spec) {
        NumberFormat f = NumberFormat.parse(spec);
        int[] shape = {16, 3, 3, 32};
        Layout l = f.layout(shape, f instanceof BlockFormat ? Granularity.blocks(-1) : Granularity.perChannel(0));
        float[] x = new float[l.size()];
        Random rnd = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] y = new float[x.length];
        QuantizedTensor q = QuantizedTensor.forLayout(l);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) { // warm up, so the JIT has compiled the kernels
            f.quantizeDequantize(x, y, l, Rounding.NEAREST);
            f.quantize(x, l, Rounding.EVEN, q);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 50; i++) {
            f.quantizeDequantize(x, y, l, Rounding.NEAREST);
            f.quantize(x, l, Rounding.EVEN, q);
            f.dequantize(q, l, y);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, spec + " allocated " + allocated + " bytes in 150 calls");
    }

    static int channelOf(Layout l, int index) {
        int[] shape = l.shape();
        int inner = 1;
        for (int d = l.axis() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return index / inner % shape[l.axis()];
    }

    static void assertBitsEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                assertArrayEquals(expected, actual, what + " (first difference at " + i + ")");
                fail(what + ": at " + i + " " + expected[i] + " vs " + actual[i] + " (sign of zero or NaN bits)");
            }
        }
    }
}
