package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutputStageTest {

    /** Per-channel requantization equals {@link FixedPoint}, ties and negative values included. */
    @Test
    void perChannelRequantizationEqualsFixedPoint() {
        SplittableRandom rnd = new SplittableRandom(3);
        int channels = 37; // 4 vectors of 8 and a scalar tail
        for (RequantRounding r : new RequantRounding[] {RequantRounding.SINGLE, RequantRounding.DOUBLE}) {
            for (int trial = 0; trial < 300; trial++) {
                QuantizedMultiplier[] m = new QuantizedMultiplier[channels];
                for (int c = 0; c < channels; c++) {
                    m[c] = QuantizedMultiplier.of(Math.scalb(1 + rnd.nextDouble(), rnd.nextInt(-20, 3)));
                }
                int zp = rnd.nextInt(-128, 128);
                OutputStage stage = new OutputStage(m, channels, zp, -128, 127, r, 32);
                int[] acc = new int[channels];
                for (int c = 0; c < channels; c++) {
                    // mix of small values (many exact ties) and large ones
                    acc[c] = trial % 2 == 0 ? rnd.nextInt(-4096, 4096) : rnd.nextInt(-(1 << 22), 1 << 22);
                }
                byte[] out = new byte[channels];
                stage.apply(acc, out, 0, channels);
                for (int c = 0; c < channels; c++) {
                    int expected = r.apply(acc[c], m[c].multiplier(), m[c].shift()) + zp;
                    expected = Math.max(-128, Math.min(127, expected));
                    assertEquals(expected, out[c], r + " channel " + c + " acc " + acc[c] + " " + m[c]);
                }
            }
        }
    }

    @Test
    void narrowAccumulatorSaturatesAndCounts() {
        QuantizedMultiplier[] m = {QuantizedMultiplier.of(1.0 / 256)};
        OutputStage stage = new OutputStage(m, 3, 0, -128, 127, RequantRounding.DOUBLE, 16);
        byte[] out = new byte[3];
        stage.apply(new int[] {40000, -40000, 1000}, out, 0, 3);
        assertEquals(2, stage.saturations());
        assertEquals(128 - 1, out[0]); // 32767/256 = 128.0 -> clamped to 127
        assertEquals(-128, out[1]);
        assertEquals(4, out[2]);
    }

    @Test
    void powerOfTwoRequantizationIsARoundingShift() {
        for (int x = -1000; x <= 1000; x++) {
            // multiplier 2^30 with shift -3 is the real factor 2^-4
            assertEquals(FixedPoint.roundingDivideByPot(x, 4), RequantRounding.SHIFT.apply(x, 1 << 30, -3));
            assertEquals(x * 2, RequantRounding.SHIFT.apply(x, 1 << 30, 2));
        }
        // not a power of two: falls back to double rounding
        assertEquals(RequantRounding.DOUBLE.apply(12345, 1518500250, -2), RequantRounding.SHIFT.apply(12345, 1518500250, -2));
    }
}
