package io.bitsweep.eval.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecParserTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "int8|int8", "INT4:POT:ASYM|int4:asym:pot", " int2 |int2", "int16:pot|int16:pot",
            "bfp:b16:m4|bfp:m4:b16", "bfp:m4:b16:e8|bfp:m4:b16", "bfp:e4:m8:b256|bfp:m8:b256:e4",
            "mxint8:b32|mxint8", "mxint8:b16|mxint8:b16", "mxfp4_e2m1|mxfp4_e2m1", "MXFP8_E4M3:B64|mxfp8_e4m3:b64",
            "pruned|pruned", "fp32|fp32"})
    void canonicalSpecs(String text, String canonical) {
        NumberFormat f = NumberFormat.parse(text);
        assertEquals(canonical, f.spec());
        assertEquals(f, NumberFormat.parse(canonical));
    }

    @Test
    void typedParameters() {
        BlockFormat b = (BlockFormat) NumberFormat.parse("bfp:m4:b16");
        assertEquals(16, b.blockSize());
        assertEquals(8, b.scaleBits());
        assertEquals(4, b.elementBits());
        assertFalse(b.isMx());
        BlockFormat mx = (BlockFormat) NumberFormat.parse("mxfp6_e2m3");
        assertEquals(32, mx.blockSize());
        assertTrue(mx.isMx());
        assertEquals(ElementType.FpElement.E2M3, mx.element());
        IntFormat i = (IntFormat) NumberFormat.parse("int4:asym");
        assertEquals(-8, i.qmin());
        assertEquals(7, i.qmax());
        assertEquals(-7, ((IntFormat) NumberFormat.parse("int4")).qmin());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "int9x|unknown number format 'int9x' (allowed: int2..int16[:asym][:pot], pruned, fp32, bfp:m<2..16>:b<4..256>[:e<4..8>], mxint8, mxfp8_e4m3",
            "fp16|unknown number format 'fp16' (allowed:",
            "mxfp4|unknown number format 'mxfp4' (allowed:",
            "int17|bad number format 'int17': 17 bits is out of range (allowed: int2..int16)",
            "int1|bad number format 'int1': 1 bits is out of range (allowed: int2..int16)",
            "int8:sym|bad number format 'int8:sym': unknown option ':sym' (allowed: :asym, :pot)",
            "int8:pot:pot|bad number format 'int8:pot:pot': ':pot' is given twice",
            "bfp:m1:b16|bad number format 'bfp:m1:b16': mantissa bits 1 is out of range (allowed: m2..m16)",
            "bfp:m17:b16|bad number format 'bfp:m17:b16': mantissa bits 17 is out of range (allowed: m2..m16)",
            "bfp:m4:b3|bad number format 'bfp:m4:b3': block size 3 is out of range (allowed: b4..b256)",
            "bfp:m4:b257|bad number format 'bfp:m4:b257': block size 257 is out of range (allowed: b4..b256)",
            "bfp:m4:b16:e9|bad number format 'bfp:m4:b16:e9': shared exponent bits 9 is out of range (allowed: e4..e8)",
            "bfp:m4|bad number format 'bfp:m4': missing block size :b<4..256> (allowed: bfp:m<2..16>:b<4..256>[:e<4..8>])",
            "bfp:b16|bad number format 'bfp:b16': missing mantissa bits :m<2..16>",
            "bfp:m4:b16:x|bad number format 'bfp:m4:b16:x': bad option ':x'",
            "mxint8:b2|bad number format 'mxint8:b2': block size 2 is out of range (allowed: b4..b256)",
            "mxint8:b9999999|bad number format 'mxint8:b9999999': unknown option ':b9999999' (allowed: mxint8[:b<4..256>])",
            "mxfp8_e4m3:e5|bad number format 'mxfp8_e4m3:e5': unknown option ':e5' (allowed: mxfp8_e4m3[:b<4..256>])",
            "pruned:b4|bad number format 'pruned:b4': 'pruned' takes no options"})
    void badSpecsGetOneLineErrorsNamingTheAllowedForms(String spec, String messageStart) {
        BitSweepException e = assertThrows(BitSweepException.class, () -> NumberFormat.parse(spec));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void emptySpecAndContext() {
        assertTrue(assertThrows(BitSweepException.class, () -> NumberFormat.parse(" ")).getMessage()
                .startsWith("empty number format (allowed: int2..int16"));
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> NumberFormat.parse("int99", "layers.conv_2d_0.weights"));
        assertEquals("layers.conv_2d_0.weights: bad number format 'int99': 99 bits is out of range (allowed: int2..int16)",
                e.getMessage());
    }

    @Test
    void granularityMustFitTheFormat() {
        NumberFormat mx = NumberFormat.parse("mxint8");
        BitSweepException e = assertThrows(BitSweepException.class, () -> mx.layout(new int[] {4}, Granularity.perTensor()));
        assertEquals("mxint8 shares one exponent per block of 32, not per tensor (allowed: blocks along an axis)", e.getMessage());
        NumberFormat int4 = NumberFormat.parse("int4");
        assertTrue(assertThrows(BitSweepException.class, () -> int4.layout(new int[] {4}, Granularity.blocks(0)))
                .getMessage().startsWith("int4 has one scale per tensor or per channel, not blocks along axis 0"));
        assertEquals("axis 2 is out of range for shape [4, 5] (allowed: -2..1)",
                assertThrows(BitSweepException.class, () -> int4.layout(new int[] {4, 5}, Granularity.perChannel(2))).getMessage());
        assertEquals("unknown rounding mode 'up' (allowed: nearest, even, floor)",
                assertThrows(BitSweepException.class, () -> Rounding.parse("up")).getMessage());
    }

    @Test
    void nonFiniteInputIsRejected() {
        NumberFormat f = NumberFormat.parse("bfp:m4:b4");
        Layout l = f.layout(new int[] {4}, Granularity.blocks(0));
        assertThrows(IllegalArgumentException.class,
                () -> f.quantizeDequantize(new float[] {1, Float.NaN, 0, 0}, new float[4], l, Rounding.NEAREST));
        NumberFormat i = NumberFormat.parse("int8:asym");
        Layout li = i.layout(new int[] {2}, Granularity.perTensor());
        assertThrows(IllegalArgumentException.class,
                () -> i.quantizeDequantize(new float[] {1, Float.NEGATIVE_INFINITY}, new float[2], li, Rounding.NEAREST));
    }
}
