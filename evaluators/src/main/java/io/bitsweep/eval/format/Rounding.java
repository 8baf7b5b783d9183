package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;
import java.util.Locale;

/**
 * How a real value is rounded to the integer grid of a format. All three modes act on the magnitude and keep the
 * sign, so quantization is symmetric around zero in every mode (this is also what the OCP MX reference code,
 * microsoft/microxcaling, calls nearest / even / floor).
 */
public enum Rounding {
    /** To the nearest integer; ties away from zero (2.5 → 3, -2.5 → -3). The default. */
    NEAREST,
    /** To the nearest integer; ties to the even one (2.5 → 2, 3.5 → 4). */
    EVEN,
    /** The magnitude rounded down, i.e. toward zero (2.7 → 2, -2.7 → -2): plain truncation of the dropped bits. */
    FLOOR;

    /** The rounded value of {@code v}, as a double holding an integer. */
    public double round(double v) {
        return switch (this) {
            case NEAREST -> Math.copySign(Math.floor(Math.abs(v) + 0.5), v);
            case EVEN -> Math.rint(v);
            case FLOOR -> Math.copySign(Math.floor(Math.abs(v)), v);
        };
    }

    /**
     * Rounds {@code v} as microxcaling's {@code _round_mantissa} does, in float32, which the MX and BFP elements
     * follow: nearest is floor(|v| + 0.5) and even the same minus one where |v| - 0.5 is an even integer, with the
     * sums rounded to float32; floor is floor(|v|). This equals {@link #round} for |v| < 2^23 but at one value:
     * |v| = 0.5 - 2^-25, the largest float below 1/2, whose sum with 0.5 lies halfway between 1 - 2^-24 and 1 and
     * rounds (to even) to 1, so nearest and even give ±1 there, not 0.
     */
    double roundFloat32(float v) {
        float a = Math.abs(v);
        double r = switch (this) {
            case NEAREST -> Math.floor(a + 0.5f);
            case EVEN -> Math.floor(a + 0.5f) - ((a - 0.5f) % 2f == 0f ? 1 : 0);
            case FLOOR -> Math.floor(a);
        };
        return Math.copySign(r, v);
    }

    /** The lowercase name used on the command line and in configs. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Rounding parse(String mode) {
        for (Rounding r : values()) {
            if (r.id().equals(mode)) {
                return r;
            }
        }
        throw new BitSweepException("unknown rounding mode '" + mode + "' (allowed: nearest, even, floor)");
    }
}
