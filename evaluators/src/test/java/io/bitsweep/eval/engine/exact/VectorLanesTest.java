package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vectorized output stage, ADD, input quantization and activation statistics against their scalar definitions,
 * lane by lane, on random and extreme values: every accumulator of the int range class (ties, wrap-around of the zero-point add,
 * shifts of either sign, multipliers 0 and 2^30), every rounding, accumulators of 8..32 bits, every pair of ADD
 * input codes, float ties, NaN and infinities.
 */
class VectorLanesTest {

    @Test
    void outputStageLanesEqualTheScalarArithmetic() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (RequantRounding r : RequantRounding.values()) {
            for (int trial = 0; trial < 400; trial++) {
                int channels = 1 + rnd.nextInt(70);
                QuantizedMultiplier[] m = new QuantizedMultiplier[channels];
                for (int c = 0; c < channels; c++) {
                    m[c] = switch (rnd.nextInt(6)) {
                        case 0 -> new QuantizedMultiplier(0, 0);
                        case 1 -> new QuantizedMultiplier(1 << 30, rnd.nextInt(-31, 8)); // SHIFT's powers of two
                        default -> QuantizedMultiplier.of(Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(-33, 8)));
                    };
                }
                int zp = rnd.nextInt(-128, 128);
                int lo = rnd.nextInt(-128, 0);
                int hi = rnd.nextInt(0, 128);
                int bits = trial % 3 == 0 ? 8 + rnd.nextInt(25) : 32;
                int rows = 1 + rnd.nextInt(4);
                int stride = channels + rnd.nextInt(20);
                int[] acc = new int[rows * stride + OutputStage.ACCUMULATOR_SLACK];
                for (int i = 0; i < acc.length; i++) {
                    acc[i] = switch (rnd.nextInt(4)) {
                        case 0 -> rnd.nextInt(-4096, 4096); // many exact ties
                        case 1 -> rnd.nextInt(); // any int: wrap-around of shifts and of the zero point
                        case 2 -> rnd.nextBoolean() ? Integer.MAX_VALUE - rnd.nextInt(4) : Integer.MIN_VALUE + rnd.nextInt(4);
                        default -> rnd.nextInt(-(1 << 22), 1 << 22);
                    };
                }
                int[] copy = acc.clone();
                OutputStage stage = new OutputStage(m, channels, zp, lo, hi, r, bits);
                byte[] out = new byte[rows * channels];
                stage.applyRows(acc, 0, stride, out, 0, rows, channels);
                long saturations = 0;
                for (int row = 0; row < rows; row++) {
                    for (int c = 0; c < channels; c++) {
                        long a = copy[row * stride + c];
                        long min = -(1L << (bits - 1));
                        long max = (1L << (bits - 1)) - 1;
                        if (a < min || a > max) {
                            saturations++;
                            a = Math.max(min, Math.min(max, a));
                        }
                        int v = r.apply((int) a, m[c].multiplier(), m[c].shift()) + zp;
                        int expected = Math.max(lo, Math.min(hi, v));
                        assertEquals(expected, out[row * channels + c], r + " trial " + trial + " row " + row
                                + " channel " + c + " acc " + copy[row * stride + c] + " " + m[c] + " zp " + zp);
                    }
                }
                assertEquals(saturations, stage.saturations(), r + " trial " + trial + ": saturations");
            }
        }
    }

    /** The Java lanes and the native kernel's (skipped where it does not load), and its masked last register. */
    @ParameterizedTest
    @EnumSource(value = Kernels.class, names = {"JAVA", "NATIVE"})
    void addLanesEqualTheScalarArithmeticOnEveryPairOfCodes(Kernels kernels) {
        assumeTrue(kernels == Kernels.JAVA || NativeKernels.available(), "native kernels: " + NativeKernels.failure());
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 30; trial++) {
            float s1 = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(-12, 2));
            float s2 = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(-12, 2));
            float so = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(-12, 2));
            int z1 = rnd.nextInt(-128, 128);
            int z2 = rnd.nextInt(-128, 128);
            int zo = rnd.nextInt(-128, 128);
            int[] range = {rnd.nextInt(-128, 0), rnd.nextInt(0, 128)};
            Int8Add add = new Int8Add(s1, z1, s2, z2, so, zo, range, kernels);
            assertEquals(kernels == Kernels.NATIVE, add.runsNatively());
            byte[] a = new byte[65536 + 3];
            byte[] b = new byte[a.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = (byte) i;
                b[i] = (byte) (i >> 8);
            }
            byte[] out = new byte[a.length + 16];
            Arrays.fill(out, (byte) 77);
            add.run(a, b, out, a.length);
            for (int i = a.length; i < out.length; i++) {
                assertEquals(77, out[i], "trial " + trial + ": written past the count at " + i);
            }
            QuantizedMultiplier m1 = QuantizedMultiplier.of(s1 / (2.0 * Math.max(s1, s2)));
            QuantizedMultiplier m2 = QuantizedMultiplier.of(s2 / (2.0 * Math.max(s1, s2)));
            QuantizedMultiplier mo = QuantizedMultiplier.of(2.0 * Math.max(s1, s2) / ((1 << 20) * (double) so));
            for (int i = 0; i < a.length; i++) {
                int x1 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp((a[i] - z1) << 20, m1.multiplier(),
                        m1.shift());
                int x2 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp((b[i] - z2) << 20, m2.multiplier(),
                        m2.shift());
                int v = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(x1 + x2, mo.multiplier(), mo.shift())
                        + zo;
                assertEquals(Math.max(range[0], Math.min(range[1], v)), out[i], "trial " + trial + " codes " + a[i]
                        + ", " + b[i]);
            }
        }
    }

    @Test
    void inputQuantizationLanesEqualTheScalarArithmetic() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            float scale = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(-20, 4));
            int zp = rnd.nextInt(-128, 128);
            float[] x = new float[1 + rnd.nextInt(100)];
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (rnd.nextInt(8)) {
                    case 0 -> (float) ((rnd.nextInt(-300, 300) + 0.5) * scale); // ties
                    case 1 -> rnd.nextBoolean() ? Float.NaN : rnd.nextBoolean() ? Float.POSITIVE_INFINITY
                            : Float.NEGATIVE_INFINITY;
                    case 2 -> rnd.nextBoolean() ? -0f : Float.MIN_VALUE;
                    case 3 -> (float) (rnd.nextGaussian() * 1e6);
                    case 4 -> (float) (rnd.nextBoolean() ? 1e30 : -1e30) * scale;
                    default -> (float) (rnd.nextGaussian() * 200 * scale);
                };
            }
            byte[] q = new byte[x.length + 3];
            Int8Quantization.quantize(x, scale, zp, q, 3, new double[x.length]);
            for (int i = 0; i < x.length; i++) {
                long r = (long) TfliteMath.roundHalfAway(x[i] / (double) scale) + zp;
                assertEquals((byte) Math.max(-128, Math.min(127, r)), q[3 + i], "trial " + trial + " x " + x[i]);
            }
        }
    }

    @Test
    void statisticsLanesEqualTheScalarDefinition() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int trial = 0; trial < 200; trial++) {
            int length = 1 + rnd.nextInt(200);
            int from = rnd.nextInt(20);
            int zp = rnd.nextInt(-128, 128);
            byte[] codes = new byte[from + length + 16];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = (byte) (rnd.nextInt(3) == 0 ? zp : rnd.nextInt(256));
            }
            ActivationStatistics stats = new ActivationStatistics();
            stats.observe("l", codes, from, length, zp);
            ActivationStatistics.Layer l = stats.layers().get("l");
            long zeros = 0;
            long bits = 0;
            long spread = 0;
            long blocks = 0;
            for (int b = 0; b < length; b += ActivationStatistics.BLOCK) {
                int minExp = Integer.MAX_VALUE;
                int maxExp = -1;
                for (int i = b; i < Math.min(length, b + ActivationStatistics.BLOCK); i++) {
                    int v = Math.abs(codes[from + i] - zp);
                    if (v == 0) {
                        zeros++;
                        continue;
                    }
                    int e = 31 - Integer.numberOfLeadingZeros(v);
                    bits += e + 1;
                    minExp = Math.min(minExp, e);
                    maxExp = Math.max(maxExp, e);
                }
                spread += maxExp >= 0 ? maxExp - minExp : 0;
                blocks++;
            }
            assertEquals(length, l.elements());
            assertEquals(zeros, l.zeros(), "trial " + trial);
            assertEquals(bits, l.magnitudeBits(), "trial " + trial);
            assertEquals(blocks == 0 ? 0 : (double) spread / blocks, l.meanExponentSpread(), "trial " + trial);
        }
    }
}
