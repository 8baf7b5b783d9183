package io.bitsweep.eval.engine.exact;

/** Scalar helpers with the exact semantics of the C library calls TFLite makes. */
public final class TfliteMath {
    private TfliteMath() {}

    /** C's {@code round}: half away from zero. */
    public static double roundHalfAway(double x) {
        double a = Math.abs(x);
        double r = Math.floor(a);
        if (a - r >= 0.5) { // exact: a - floor(a) never rounds
            r += 1.0;
        }
        return Math.copySign(r, x);
    }

    /** C's {@code roundf}: half away from zero, for floats (exact: a float plus 0.5 is exact in double). */
    public static float roundHalfAway(float x) {
        return (float) roundHalfAway((double) x);
    }

    /** C's {@code expf} (glibc: correctly rounded in all but rare cases), via the double exponential. */
    public static float expf(float x) {
        return (float) StrictMath.exp(x);
    }
}
