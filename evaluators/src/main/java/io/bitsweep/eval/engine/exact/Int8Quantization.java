package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * QUANTIZE (float → int8) and DEQUANTIZE (int8 → float) with TFLite's arithmetic. Quantization runs 8 lanes of
 * doubles at once, each lane equal to the scalar {@code clamp(zp + (long) round(x / scale))}: the same IEEE
 * division, then C's round (half away from zero) of the magnitude: its floor, read from the bits of {@code |v| +
 * 2^52} (no double-to-long conversion, which C2 on JDK 17 does not intrinsify), plus one where the fraction is at
 * least one half. That is exact once the quotient is clamped to ±512 (any quotient up to ±2^63 clamps to the same
 * code) and a NaN taken as 0 (as {@code (long) NaN}). A quotient beyond ±2^63 (an infinity) saturates the long, and the zero point's add may then
 * wrap: those lanes take the code the scalar arithmetic gives them.
 */
public final class Int8Quantization {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    /** Beyond this magnitude every quotient clamps to -128 or 127, whatever the zero point. */
    private static final double QUOTIENT_LIMIT = 512;
    private static final double LONG_RANGE = 0x1p63;
    /** Adding it to a double in [0, 2^52) rounds it to an integer held in the low mantissa bits. */
    private static final double TWO_52 = 0x1p52;
    private static final long TWO_52_BITS = Double.doubleToRawLongBits(TWO_52);

    private Int8Quantization() {}

    /**
     * {@code clamp(zp + (int) round(x / scale))}, the division in double (TFLite's AffineQuantize), into
     * {@code q[offset..offset + x.length)}; {@code scratch} holds at least {@code x.length} doubles.
     */
    public static void quantize(float[] x, float scale, int zeroPoint, byte[] q, int offset, double[] scratch) {
        double s = scale;
        for (int i = 0; i < x.length; i++) {
            scratch[i] = x[i]; // widened in a plain loop: a 256-bit float species would cost the float engine
        }
        // (long) of a quotient beyond ±2^63 is Long.MAX_VALUE / MIN_VALUE, and adding the zero point wraps or not
        long above = (long) Math.max(-128, Math.min(127, Long.MAX_VALUE + zeroPoint));
        long below = (long) Math.max(-128, Math.min(127, Long.MIN_VALUE + zeroPoint));
        int i = 0;
        for (int end = D.loopBound(x.length); i < end; i += D.length()) {
            DoubleVector quotient = DoubleVector.fromArray(D, scratch, i).div(s);
            DoubleVector v = quotient.blend(0.0, quotient.test(VectorOperators.IS_NAN)).max(-QUOTIENT_LIMIT)
                    .min(QUOTIENT_LIMIT);
            DoubleVector a = v.abs();
            DoubleVector big = a.add(TWO_52); // a rounded to the nearest integer (ties to even), exactly
            LongVector r = big.reinterpretAsLongs().sub(TWO_52_BITS);
            DoubleVector whole = big.sub(TWO_52);
            VectorMask<Double> roundedUp = whole.compare(VectorOperators.GT, a);
            r = r.sub(1, roundedUp.cast(L)); // floor(a)
            whole = whole.sub(1.0, roundedUp);
            // C's round: one more where the fraction is at least one half (a - floor(a) is exact)
            r = r.add(1, a.sub(whole).compare(VectorOperators.GE, 0.5).cast(L));
            r = r.lanewise(VectorOperators.NEG, v.compare(VectorOperators.LT, 0.0).cast(L)).add(zeroPoint).max(-128)
                    .min(127)
                    .blend(above, quotient.compare(VectorOperators.GE, LONG_RANGE).cast(L))
                    .blend(below, quotient.compare(VectorOperators.LE, -LONG_RANGE).cast(L));
            ((ByteVector) r.convertShape(VectorOperators.L2B, B, 0)).intoArray(q, offset + i);
        }
        for (; i < x.length; i++) {
            long r = (long) TfliteMath.roundHalfAway(x[i] / s) + zeroPoint;
            q[offset + i] = (byte) Math.max(-128, Math.min(127, r));
        }
    }

    /** {@code scale * (q - zp)} in float, from {@code q[offset..offset + x.length)}. */
    public static void dequantize(byte[] q, int offset, float scale, int zeroPoint, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * (q[offset + i] - zeroPoint);
        }
    }
}
