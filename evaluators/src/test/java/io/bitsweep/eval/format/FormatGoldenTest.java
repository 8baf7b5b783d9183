package io.bitsweep.eval.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-computed values for each format family, from OCP MX v1.0 and the definitions in docs/FORMATS.md. */
class FormatGoldenTest {

    static float[] qd(String spec, Rounding r, float... x) {
        NumberFormat f = NumberFormat.parse(spec);
        Layout l = f.layout(new int[] {x.length},
                f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
        float[] y = new float[x.length];
        f.quantizeDequantize(x, y, l, r);
        return y;
    }

    static QuantizedTensor quantize(String spec, Rounding r, float... x) {
        NumberFormat f = NumberFormat.parse(spec);
        Layout l = f.layout(new int[] {x.length},
                f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
        QuantizedTensor q = QuantizedTensor.forLayout(l);
        f.quantize(x, l, r, q);
        return q;
    }

    /** Every value a format's block with scale 2^0 takes: sweep [-M, M] with M pinning the shared exponent. */
    static TreeSet<Float> grid(String spec, float max) {
        TreeSet<Float> values = new TreeSet<>();
        for (int i = 0; i <= 20000; i++) {
            float t = (float) (-max + 2.0 * max * i / 20000);
            values.add(qd(spec, Rounding.NEAREST, max, t)[1] + 0f);
        }
        return values;
    }

    @Test
    void fp4E2M1RepresentsExactlyTheSpecSet() {
        // max 6 → X = floor(log2 6) - emax 2 = 0
        TreeSet<Float> expected = new TreeSet<>();
        for (float v : new float[] {0, 0.5f, 1, 1.5f, 2, 3, 4, 6}) {
            expected.add(v);
            expected.add(-v + 0f);
        }
        assertEquals(expected, grid("mxfp4_e2m1:b4", 6f));
    }

    @Test
    void fp6AndFp8MaxNormals() {
        assertEquals(7.5, ElementType.FpElement.E2M3.maxNormal());
        assertEquals(28, ElementType.FpElement.E3M2.maxNormal());
        assertEquals(448, ElementType.FpElement.E4M3.maxNormal());
        assertEquals(57344, ElementType.FpElement.E5M2.maxNormal());
        // A block whose max is just below 2^(emax+1) saturates to max normal, never to infinity or NaN.
        assertEquals(7.5f, qd("mxfp6_e2m3", Rounding.NEAREST, 7.99f)[0]);
        assertEquals(28f, qd("mxfp6_e3m2", Rounding.NEAREST, 31.9f)[0]);
        assertEquals(448f, qd("mxfp8_e4m3", Rounding.NEAREST, 511f)[0]);
        assertEquals(-57344f, qd("mxfp8_e5m2", Rounding.NEAREST, -65535f)[0]);
        // max 448 is exactly representable at X = 0; 464 lies halfway to 480, which E4M3 reserves for NaN
        assertArrayEquals(new float[] {448f, 448f}, qd("mxfp8_e4m3:b4", Rounding.NEAREST, 448f, 447f));
    }

    @Test
    void elementSubnormalsAndTies() {
        // E4M3 at X = 0 (max 448): the smallest subnormal is 2^-9; 2^-10 is a tie between 0 and 2^-9.
        float sub = (float) Math.scalb(1.0, -9);
        float half = (float) Math.scalb(1.0, -10);
        assertArrayEquals(new float[] {448f, sub, sub, -sub}, qd("mxfp8_e4m3:b4", Rounding.NEAREST, 448f, sub, half, -half));
        assertArrayEquals(new float[] {448f, sub, 0f, -0f}, qd("mxfp8_e4m3:b4", Rounding.EVEN, 448f, sub, half, -half));
        assertArrayEquals(new float[] {448f, sub, 0f, -0f}, qd("mxfp8_e4m3:b4", Rounding.FLOOR, 448f, sub, half, -half));
        // E2M1 at X = 0: 2.5 is a tie between 2 and 3 (mantissa 0 even), 5 between 4 and 6
        assertArrayEquals(new float[] {6f, 3f, 6f, -3f}, qd("mxfp4_e2m1:b4", Rounding.NEAREST, 6f, 2.5f, 5f, -2.5f));
        assertArrayEquals(new float[] {6f, 2f, 4f, -2f}, qd("mxfp4_e2m1:b4", Rounding.EVEN, 6f, 2.5f, 5f, -2.5f));
        assertArrayEquals(new float[] {6f, 2f, 4f, -2f}, qd("mxfp4_e2m1:b4", Rounding.FLOOR, 6f, 2.9f, 5.9f, -2.9f));
    }

    @Test
    void mxint8HasElementScale2ToTheMinus6() {
        // max 1 → X = 0; elements are k/64, |k| <= 127
        float lsb = 1f / 64;
        assertArrayEquals(new float[] {1f, lsb, lsb, -lsb, 0f}, qd("mxint8:b8", Rounding.NEAREST, 1f, lsb, lsb / 2, -lsb / 2, lsb / 4));
        assertArrayEquals(new float[] {1f, lsb, 0f, 0f, 0f}, qd("mxint8:b8", Rounding.EVEN, 1f, lsb, lsb / 2, -lsb / 2, lsb / 4));
        // max 1.999 → X = 0, saturates to 127/64 (the max normal 1 63/64), symmetric
        assertArrayEquals(new float[] {127f / 64, -127f / 64}, qd("mxint8:b4", Rounding.NEAREST, 1.999f, -1.999f));
        QuantizedTensor q = quantize("mxint8:b4", Rounding.NEAREST, 3f, -1f, 0.5f, 0f);
        // max 3 → X = 1; 3 = 96 * 2^-6 * 2^1
        assertArrayEquals(new int[] {96, -32, 16, 0}, q.codes);
        assertEquals(1, q.exponents[0]);
        assertEquals(2f, q.scales[0]);
    }

    @Test
    void sharedExponentFollowsOcpMx() {
        BlockFormat fp4 = (BlockFormat) NumberFormat.parse("mxfp4_e2m1");
        BlockFormat int8 = (BlockFormat) NumberFormat.parse("mxint8");
        BlockFormat e4m3 = (BlockFormat) NumberFormat.parse("mxfp8_e4m3");
        assertEquals(0, fp4.sharedExponent(7.9f));      // floor(log2 7.9) = 2, emax 2
        assertEquals(-1, fp4.sharedExponent(3.99f));
        assertEquals(99, fp4.sharedExponent(3e30f));    // 2^101 <= 3e30 < 2^102
        assertEquals(127, int8.sharedExponent(Float.MAX_VALUE));
        assertEquals(119, e4m3.sharedExponent(Float.MAX_VALUE));
        assertEquals(-127, int8.sharedExponent(0f));    // getExponent(0) = -127
        assertEquals(-127, fp4.sharedExponent(1e-40f)); // subnormal max: -127 - 2, clamped to -127
        assertEquals(-126, int8.sharedExponent(Float.MIN_NORMAL)); // the smallest normal float is 2^-126
        // the E8M0 clamp bounds the scale at 2^-127; values below it still quantize exactly in float32
        float tiny = (float) Math.scalb(1.0, -130);
        assertArrayEquals(new float[] {tiny, 0f}, qd("mxfp8_e4m3:b4", Rounding.NEAREST, tiny, (float) Math.scalb(1.0, -140)));
    }

    @Test
    void fpElementCodesAreOcpBitPatterns() {
        QuantizedTensor q = quantize("mxfp4_e2m1:b8", Rounding.NEAREST, 6f, -0.5f, 1f, 1.5f, 4f, 0f, -0f, -6f);
        assertArrayEquals(new int[] {0b0111, 0b1001, 0b0010, 0b0011, 0b0110, 0, 0b1000, 0b1111}, q.codes);
        ElementType e2m1 = ElementType.FpElement.E2M1;
        assertEquals(3, e2m1.significand(0b0111));  // 6 = 3 * 2^1
        assertEquals(1, e2m1.exponent(0b0111));
        assertEquals(-1, e2m1.significand(0b1001)); // -0.5 = -1 * 2^-1 (subnormal)
        assertEquals(-1, e2m1.exponent(0b1001));
        assertEquals(0x7E, quantize("mxfp8_e4m3:b4", Rounding.NEAREST, 448f).codes[0]);
        assertEquals(0x7B, quantize("mxfp8_e5m2:b4", Rounding.NEAREST, 57344f).codes[0]);
        assertEquals(0x1F, quantize("mxfp6_e3m2:b4", Rounding.NEAREST, 28f).codes[0]);
        assertEquals(0x1F, quantize("mxfp6_e2m3:b4", Rounding.NEAREST, 7.5f).codes[0]);
        for (ElementType.FpElement e : new ElementType.FpElement[] {ElementType.FpElement.E4M3,
                ElementType.FpElement.E5M2, ElementType.FpElement.E3M2, ElementType.FpElement.E2M3,
                ElementType.FpElement.E2M1}) {
            for (int code = 0; code < 1 << e.bits(); code++) {
                double v = e.decode(code);
                if (Math.abs(v) <= e.maxNormal()) { // skip E4M3 NaN and E5M2 inf/NaN codes
                    assertEquals(code, e.encode(v), e + " code " + code);
                    assertEquals(v, e.quantize(v, Rounding.NEAREST), e + " code " + code);
                    assertEquals(v, e.significand(code) * Math.scalb(1.0, e.exponent(code)), 0.0);
                }
            }
        }
    }

    @Test
    void bfpMantissasAndExponents() {
        // bfp:m4: max 5 → s = 2, 2 fraction bits → unit 2^0; codes in [-7, 7]
        assertArrayEquals(new float[] {5f, 3f, -3f, 0f}, qd("bfp:m4:b4", Rounding.NEAREST, 5f, 2.5f, -2.5f, 0.49f));
        assertArrayEquals(new float[] {5f, 2f, -2f, 0f}, qd("bfp:m4:b4", Rounding.EVEN, 5f, 2.5f, -2.5f, 0.49f));
        assertArrayEquals(new float[] {5f, 2f, -2f, 0f}, qd("bfp:m4:b4", Rounding.FLOOR, 5f, 2.9f, -2.9f, 0.99f));
        // max 7.9 → X = 2, codes up to 7 (saturate): 7.9 → 7
        assertArrayEquals(new float[] {7f, 4f}, qd("bfp:m4:b4", Rounding.NEAREST, 7.9f, 4.4f));
        // a 4-bit shared exponent clamps X to [-7, 7]: max 1000 saturates to 7 * 2^(7-2)
        assertArrayEquals(new float[] {224f, 32f}, qd("bfp:m4:b4:e4", Rounding.NEAREST, 1000f, 40f));
        QuantizedTensor q = quantize("bfp:m4:b4:e4", Rounding.NEAREST, 1000f, 40f, 0f, -100f);
        assertArrayEquals(new int[] {7, 1, 0, -3}, q.codes);
        assertEquals(7, q.exponents[0]);
        // bfp:m8:b32 is mxint8 by another name
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (float) Math.sin(i * 1.7) * (i + 1);
        }
        assertArrayEquals(qd("mxint8", Rounding.NEAREST, x), qd("bfp:m8:b32", Rounding.NEAREST, x));
    }

    @Test
    void raggedBlocksAlongEitherAxis() {
        NumberFormat f = NumberFormat.parse("mxint8:b4");
        // shape [2, 6], blocks along axis 1: [0..3], [4..5] per row → 4 blocks; group shape [2, 2]
        Layout rows = f.layout(new int[] {2, 6}, Granularity.blocks(1));
        assertEquals(4, rows.groups());
        assertArrayEquals(new int[] {2, 2}, rows.groupShape());
        float[] x = {1, 1, 1, 1, 64, 1, 1, 1, 1, 1, 1, 64};
        float[] y = new float[12];
        f.quantizeDequantize(x, y, rows, Rounding.NEAREST);
        // the 64 in each second block only coarsens its own block: there 1 = 1/64 * 2^6 exactly
        assertArrayEquals(x, y);
        // blocks along axis 0 of [6, 2]: column blocks of 4 then 2
        Layout cols = f.layout(new int[] {6, 2}, Granularity.blocks(0));
        assertEquals(4, cols.groups());
        assertArrayEquals(new int[] {2, 2}, cols.groupShape());
        float[] z = {100, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f, 0.3f};
        f.quantizeDequantize(z, y, cols, Rounding.NEAREST);
        // column 0 rows 0..3 share X = 6 (lsb 1): 0.3 → 0; every other block has max 0.3 → X = -2 (lsb 2^-8):
        // 0.3 * 256 = 76.8 → 77
        float p = 77f / 256;
        assertArrayEquals(new float[] {100, p, 0, p, 0, p, 0, p, p, p, p, p}, y);
    }

    @Test
    void int8PerChannelSymmetric() {
        NumberFormat f = NumberFormat.parse("int8");
        Layout l = f.layout(new int[] {2, 3}, Granularity.perChannel(0));
        QuantizedTensor q = QuantizedTensor.forLayout(l);
        f.quantize(new float[] {1f, -0.5f, 0.25f, 2f, 0f, -2f}, l, Rounding.NEAREST, q);
        // scale 1/127: -0.5 * 127 = -63.5 (tie, away from zero) → -64; 0.25 * 127 = 31.75 → 32
        assertArrayEquals(new int[] {127, -64, 32, 127, 0, -127}, q.codes);
        assertEquals(1f / 127, q.scales[0], 1e-9f);
        assertEquals(2f / 127, q.scales[1], 1e-9f);
        assertArrayEquals(new int[] {0, 0}, q.zeroPoints);
        f.quantize(new float[] {1f, -0.5f, 0.25f, 2f, 0f, -2f}, l, Rounding.EVEN, q);
        assertEquals(-64, q.codes[1]); // -63.5 → -64 (even)
    }

    @Test
    void powerOfTwoScales() {
        // int4: qmax 7, max 1 → smallest 2^p with 7 * 2^p >= 1 is 2^-2
        QuantizedTensor q = quantize("int4:pot", Rounding.NEAREST, 1f, 0.375f, 0.125f, -0.125f);
        assertEquals(-2, q.exponents[0]);
        assertEquals(0.25f, q.scales[0]);
        assertArrayEquals(new int[] {4, 2, 1, -1}, q.codes);     // 1.5 → 2, 0.5 → 1 (ties away)
        assertArrayEquals(new int[] {4, 2, 0, 0}, quantize("int4:pot", Rounding.EVEN, 1f, 0.375f, 0.125f, -0.125f).codes);
        assertArrayEquals(new int[] {4, 1, 0, 0}, quantize("int4:pot", Rounding.FLOOR, 1f, 0.375f, 0.125f, -0.125f).codes);
        // exactly 7 * 2^-2 = 1.75 fits without a larger scale
        assertEquals(-2, quantize("int4:pot", Rounding.NEAREST, 1.75f).exponents[0]);
        assertEquals(-1, quantize("int4:pot", Rounding.NEAREST, 1.76f).exponents[0]);
    }

    @Test
    void asymmetricZeroPoint() {
        // [0, 1] → scale 1/255, zero point -128; 0 is exact
        QuantizedTensor q = quantize("int8:asym", Rounding.NEAREST, 0f, 1f, 0.25f);
        assertEquals(1f / 255, q.scales[0], 1e-9f);
        assertEquals(-128, q.zeroPoints[0]);
        assertArrayEquals(new int[] {-128, 127, -64}, q.codes); // 0.25 * 255 = 63.75 → 64 → code -64
        // [-1, 3] → scale 4/15 in int4:asym, zero point -8 - round(-1 / (4/15)) = -8 + 4 = -4
        QuantizedTensor q4 = quantize("int4:asym", Rounding.NEAREST, -1f, 3f, 0f);
        assertEquals(-4, q4.zeroPoints[0]);
        assertArrayEquals(new int[] {-8, 7, -4}, q4.codes);
        assertArrayEquals(new float[] {-16f / 15, 44f / 15, 0f}, qd("int4:asym", Rounding.NEAREST, -1f, 3f, 0f), 1e-6f);
    }

    @Test
    void bitsPerElementAndPackedSizes() {
        assertEquals(4.25, NumberFormat.parse("mxfp4_e2m1").bitsPerElement());
        assertEquals(6.25, NumberFormat.parse("mxfp6_e3m2").bitsPerElement());
        assertEquals(8.25, NumberFormat.parse("mxint8").bitsPerElement());
        assertEquals(8.5, NumberFormat.parse("mxint8:b16").bitsPerElement());
        assertEquals(4.5, NumberFormat.parse("bfp:m4:b16").bitsPerElement());
        assertEquals(4.25, NumberFormat.parse("bfp:m4:b16:e4").bitsPerElement());
        assertEquals(4, NumberFormat.parse("int4").bitsPerElement());
        assertEquals(0, NumberFormat.parse("pruned").bitsPerElement());
        assertEquals(32, NumberFormat.parse("fp32").bitsPerElement());
        NumberFormat fp4 = NumberFormat.parse("mxfp4_e2m1");
        assertEquals(68, fp4.packedBytes(fp4.layout(new int[] {2, 64}, Granularity.blocks(-1)))); // 512 + 4*8 bits
        assertEquals(10 * 4 + 8, fp4.packedBits(fp4.layout(new int[] {10}, Granularity.blocks(0)))); // one ragged block
        NumberFormat int4 = NumberFormat.parse("int4");
        // conv weights [16, 3, 3, 8]: 1152 4-bit codes + 16 float scales
        assertEquals(1152 * 4 + 16 * 32, int4.packedBits(int4.layout(new int[] {16, 3, 3, 8}, Granularity.perChannel(0))));
        NumberFormat a8 = NumberFormat.parse("int8:asym:pot");
        assertEquals(100 * 8 + 8 + 8, a8.packedBits(a8.layout(new int[] {100}, Granularity.perTensor())));
    }

    @ParameterizedTest
    @CsvSource({"2.5,3,2,2", "3.5,4,4,3", "-2.5,-3,-2,-2", "0.5,1,0,0", "-0.5,-1,-0,-0", "2.4999,2,2,2", "-2.7,-3,-3,-2"})
    void roundingModes(double v, double nearest, double even, double floor) {
        assertEquals(nearest, Rounding.NEAREST.round(v));
        assertEquals(even, Rounding.EVEN.round(v));
        assertEquals(floor, Rounding.FLOOR.round(v));
    }

    @Test
    void prunedAndFp32() {
        assertArrayEquals(new float[] {0, 0, 0}, qd("pruned", Rounding.NEAREST, 1f, -2f, 3e30f));
        float[] odd = {Float.NaN, Float.NEGATIVE_INFINITY, 1e-45f, -0f};
        float[] y = qd("fp32", Rounding.FLOOR, odd);
        for (int i = 0; i < odd.length; i++) {
            assertEquals(Float.floatToRawIntBits(odd[i]), Float.floatToRawIntBits(y[i]), Arrays.toString(y));
        }
    }
}
