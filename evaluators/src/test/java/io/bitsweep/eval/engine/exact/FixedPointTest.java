package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointTest {

    @Test
    void quantizeMultiplierMatchesFrexpAndRoundsToQ31() {
        assertEquals(new QuantizedMultiplier(1 << 30, 0), QuantizedMultiplier.of(0.5));
        assertEquals(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.of(1.0));
        assertEquals(new QuantizedMultiplier(1610612736, 0), QuantizedMultiplier.of(0.75));
        assertEquals(new QuantizedMultiplier(1 << 30, -9), QuantizedMultiplier.of(0x1p-10));
        // a mantissa that rounds up to 2^31 is renormalised
        assertEquals(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.of(Math.nextDown(1.0)));
        // below 2^-32 everything flushes to zero, as TFLite does
        assertEquals(new QuantizedMultiplier(0, 0), QuantizedMultiplier.of(0x1p-40));
        assertEquals(new QuantizedMultiplier(0, 0), QuantizedMultiplier.of(0.0));
    }

    @Test
    void roundingDivideByPotRoundsHalfAwayFromZero() {
        assertEquals(3, FixedPoint.roundingDivideByPot(5, 1));
        assertEquals(-3, FixedPoint.roundingDivideByPot(-5, 1));
        assertEquals(-2, FixedPoint.roundingDivideByPot(-3, 1));
        assertEquals(-1, FixedPoint.roundingDivideByPot(-5, 2)); // -1.25
        assertEquals(-2, FixedPoint.roundingDivideByPot(-6, 2)); // -1.5
        assertEquals(7, FixedPoint.roundingDivideByPot(7, 0));
    }

    @Test
    void doubleRoundingAgreesWithExactArithmeticUpToTheTwoRoundings() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            // every 4th sample is built to be an exact tie of the first rounding
            int x = i % 4 == 0 ? -(1 << rnd.nextInt(0, 20)) : rnd.nextInt(-(1 << 24), 1 << 24);
            int m = i % 4 == 0 ? (1 << 30) + (rnd.nextInt(0, 1 << 10) << 20) : rnd.nextInt(1 << 30, Integer.MAX_VALUE);
            int shift = rnd.nextInt(-20, 1);
            // reference: round half up of (x*m / 2^31), then round half away from zero of that / 2^-shift
            BigDecimal p = new BigDecimal(BigInteger.valueOf((long) x * m)).divide(BigDecimal.valueOf(1L << 31));
            long first = p.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact();
            long second = new BigDecimal(first).divide(BigDecimal.valueOf(1L << -shift))
                    .setScale(0, RoundingMode.HALF_UP).longValueExact();
            assertEquals(second, FixedPoint.multiplyByQuantizedMultiplier(x, m, shift), "x=" + x + " m=" + m);
            // single rounding: one rounding half toward +inf of the exact product
            long s = new BigDecimal(BigInteger.valueOf((long) x * m)).divide(BigDecimal.valueOf(1L << (31 - shift)))
                    .add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).longValueExact();
            assertEquals(s, FixedPoint.multiplyByQuantizedMultiplierSingleRounding(x, m, shift));
        }
    }

    @Test
    void saturatingDoublingHighMulSaturatesOnlyMinTimesMin() {
        assertEquals(Integer.MAX_VALUE,
                FixedPoint.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(0, FixedPoint.saturatingRoundingDoublingHighMul(-1, 1 << 30)); // -0.5 → 0 (ties up)
        assertEquals(-1, FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 30)); // -1.5 → -1
        assertEquals(1, FixedPoint.saturatingRoundingDoublingHighMul(1, 1 << 30)); // 0.5 → 1
    }

    @Test
    void cRoundIsHalfAwayFromZero() {
        assertEquals(-3.0, TfliteMath.roundHalfAway(-2.5));
        assertEquals(3.0, TfliteMath.roundHalfAway(2.5));
        assertEquals(0.0, TfliteMath.roundHalfAway(0.49999999999999994));
        assertEquals(-2.0, TfliteMath.roundHalfAway(-1.5));
    }
}
