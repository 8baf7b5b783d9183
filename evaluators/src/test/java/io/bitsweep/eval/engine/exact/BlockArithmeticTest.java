package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.Padding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The block dot product of the exact engine against an exact-rational reference written from the spec
 * (docs/BLOCK-ARITHMETIC.md) with BigDecimal: activations and weights are the format library's dequantized values
 * (exact doubles), each segment on which both blocks are constant is summed exactly, divided by the accumulator
 * unit, rounded half away from zero, saturated and added with saturation. Random FC layers with ragged blocks,
 * all-zero blocks, exponents spread over 2^±60, and narrow accumulators that saturate.
 */
class BlockArithmeticTest {

    @ParameterizedTest(name = "a={0} w={1} n={2} bits={3}")
    @CsvSource({
        "bfp:m8:b16, bfp:m8:b16, 37, 32",
        "bfp:m4:b16, bfp:m8:b16, 64, 32",
        "mxint8, mxint8, 70, 32",
        "mxint8:b8, bfp:m6:b12, 50, 24",
        "mxfp8_e4m3, mxfp8_e5m2, 45, 32",
        "mxfp6_e3m2, mxfp6_e2m3, 33, 32",
        "mxfp4_e2m1:b16, mxfp4_e2m1, 100, 32",
        "bfp:m16:b64:e6, bfp:m16:b256, 300, 32",
        "bfp:m8:b16, mxfp8_e4m3, 40, 12",
        "mxfp8_e4m3:b4, bfp:m8:b16, 40, 10",
        "mxint8, bfp:m8:b16, 70, 8",
    })
    void blockDotProductIsExactThenAlignedAsSpecified(String aSpec, String wSpec, int n, int bits) {
        BlockFormat af = (BlockFormat) NumberFormat.parse(aSpec);
        BlockFormat wf = (BlockFormat) NumberFormat.parse(wSpec);
        Random rnd = new Random(aSpec.hashCode() * 31L + wSpec.hashCode() + n);
        long totalSaturations = 0;
        for (int trial = 0; trial < 25; trial++) {
            int channels = 1 + rnd.nextInt(6);
            float scale = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(41) - 30);
            int zp = rnd.nextInt(256) - 128;
            byte[] x = new byte[n];
            for (int i = 0; i < n; i++) {
                // whole blocks at the zero point (all-zero blocks), otherwise a random code
                x[i] = (byte) ((i / 8) % 5 == 3 ? zp : rnd.nextInt(256) - 128);
            }
            float[] w = new float[channels * n];
            for (int i = 0; i < w.length; i++) {
                // values spread over many binades, with zeros: the shared exponents differ wildly between blocks
                w[i] = rnd.nextInt(7) == 0 ? 0f : (float) Math.scalb(rnd.nextGaussian(), rnd.nextInt(121) - 60);
            }
            float[] bias = new float[channels];
            for (int c = 0; c < channels; c++) {
                bias[c] = (float) Math.scalb(rnd.nextGaussian(), rnd.nextInt(41) - 20);
            }
            float outScale = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(61) - 30);

            BlockWeights bw = BlockWeights.quantize(wf, w, channels, 1, n, new boolean[channels]);
            BlockInputQuantizer iq = new BlockInputQuantizer(af, scale, zp);
            BlockChannels ch = new BlockChannels(bw, iq.operandScale(), bias, outScale, bits);
            AlignedAccumulator accumulator = new AlignedAccumulator(bits);
            OutputStage stage = new OutputStage(ch.multipliers, channels, 0, -128, 127, RequantRounding.DOUBLE,
                    32);
            BlockConv2d fc = new BlockConv2d(ConvGeometry.of(1, 1, n, 1, 1, 1, 1, 1, 1, Padding.VALID), bw, iq, ch,
                    accumulator, stage, Kernels.JAVA, 1);
            fc.run(x, new byte[channels], 1);

            double[] a = referenceActivations(af, x, scale, zp);
            double[] wq = referenceWeights(wf, w, channels, n);
            long[] expectedSaturations = {0};
            for (int c = 0; c < channels; c++) {
                long acc = reference(a, wq, c, n, af.blockSize(), wf.blockSize(), ch.lsb[c], bias[c], bits,
                        expectedSaturations);
                assertEquals(acc, fc.lastAccumulators()[c], "channel " + c + " of trial " + trial);
            }
            assertEquals(expectedSaturations[0], accumulator.saturations(), "saturation count, trial " + trial);
            totalSaturations += accumulator.saturations();
        }
        if (bits <= 12) {
            assertTrue(totalSaturations > 0, "narrow accumulators must saturate on these data");
        }
    }

    /** The spec's activation values: float32 of (q - zp) * s, block-quantized by the format library. */
    private static double[] referenceActivations(BlockFormat f, byte[] x, float scale, int zp) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = (float) ((x[i] - zp) * (double) scale);
        }
        Layout l = f.layout(new int[] {x.length}, Granularity.blocks(-1));
        f.quantizeDequantize(v, v, l, Rounding.NEAREST);
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double[] referenceWeights(BlockFormat f, float[] w, int channels, int n) {
        float[] v = w.clone();
        f.quantizeDequantize(v, v, f.layout(new int[] {channels, n}, Granularity.blocks(-1)), Rounding.NEAREST);
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /** The accumulator of channel c, from exact rationals. */
    private static long reference(double[] a, double[] w, int c, int n, int ba, int bw, int lsb, float bias, int bits,
            long[] saturations) {
        BigInteger max = BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
        BigInteger min = BigInteger.ONE.shiftLeft(bits - 1).negate();
        BigDecimal unit = new BigDecimal(Math.scalb(1.0, lsb));
        BigInteger acc = new BigDecimal(bias).divide(unit).setScale(0, RoundingMode.HALF_UP).toBigInteger();
        acc = acc.max(min).min(max);
        int start = 0;
        while (start < n) {
            // a segment ends at the next block boundary of either operand
            int end = Math.min(n, Math.min((start / ba + 1) * ba, (start / bw + 1) * bw));
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = start; i < end; i++) {
                sum = sum.add(new BigDecimal(a[i]).multiply(new BigDecimal(w[c * n + i])));
            }
            if (sum.signum() != 0) {
                BigInteger term = sum.divide(unit).setScale(0, RoundingMode.HALF_UP).toBigInteger();
                boolean saturated = false;
                if (term.compareTo(max) > 0 || term.compareTo(min) < 0) {
                    term = term.signum() > 0 ? max : min;
                    saturated = true;
                }
                acc = acc.add(term);
                if (acc.compareTo(max) > 0 || acc.compareTo(min) < 0) {
                    acc = acc.signum() > 0 ? max : min;
                    saturated = true;
                }
                if (saturated) {
                    saturations[0]++;
                }
            }
            start = end;
        }
        return acc.longValueExact();
    }
}
