package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shortcut rescaling of a fused residual ADD and the saturation of the fused sum. */
class ResidualInputTest {
    @Test
    void rescaleRoundsToNearestTiesAwayFromZeroAgainstBigDecimal() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            int d = rnd.nextInt(-255, 256);
            long m = rnd.nextBoolean() ? 1L << 30 : rnd.nextLong(1L << 30, 1L << 31);
            int shift = rnd.nextInt(-31, 32);
            BigDecimal exact = new BigDecimal(d * m).multiply(new BigDecimal(2).pow(shift - 31 + 62))
                    .divide(new BigDecimal(2).pow(62));
            long expected = exact.setScale(0, RoundingMode.HALF_UP).longValueExact(); // HALF_UP: ties away from 0
            assertEquals(expected, ResidualInput.rescale(d, m, shift), d + " * " + m + " * 2^(" + shift + " - 31)");
        }
        // exact ties: 3 * 2^30 * 2^-31 = 1.5 and -1.5
        assertEquals(2, ResidualInput.rescale(3, 1L << 30, 0));
        assertEquals(-2, ResidualInput.rescale(-3, 1L << 30, 0));
    }

    @Test
    void largeTermsAreBoundedWhereTheSumSaturatesAnyway() {
        assertEquals(ResidualInput.TERM_LIMIT, ResidualInput.rescale(1, 1L << 30, 60));
        assertEquals(-ResidualInput.TERM_LIMIT, ResidualInput.rescale(-255, (1L << 31) - 1, 45));
        assertEquals(ResidualInput.TERM_LIMIT, ResidualInput.rescale(255, 1L << 30, 40)); // 255 * 2^39
        assertEquals(1L << 38, ResidualInput.rescale(1, 1L << 30, 39)); // a left shift below the bound is exact
        assertEquals(0, ResidualInput.rescale(0, 1L << 30, 60));
    }

    @Test
    void fusedSumSaturatesToTheAccumulatorWidthAndCounts() {
        byte[] shortcut = {100, -100, 5};
        // shortcut rescaled by 2^8 into accumulator units: 25600, -25600, 1280
        ResidualInput r = new ResidualInput(shortcut, 0, new QuantizedMultiplier[] {QuantizedMultiplier.of(256.0)});
        OutputStage stage = new OutputStage(new QuantizedMultiplier[] {QuantizedMultiplier.of(1.0 / 256)}, 1, 0,
                -128, 127, RequantRounding.DOUBLE, 16, r);
        byte[] out = new byte[3];
        stage.apply(new int[] {10_000}, 0, out, 0, 1); // 35600 > 2^15 - 1: saturates to 32767 -> 128 -> 127
        stage.apply(new int[] {-10_000}, 0, out, 1, 1); // -35600 -> -32768 -> -128
        stage.apply(new int[] {-1_000}, 0, out, 2, 1); // 280 / 256 = 1.09 -> 1
        assertEquals(127, out[0]);
        assertEquals(-128, out[1]);
        assertEquals(1, out[2]);
        assertEquals(2, stage.saturations());
    }
}
