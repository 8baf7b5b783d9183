package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.ElementType;

/**
 * Block-format elements as integers on one grid per element type: {@code element(code) = mantissa(code) ·
 * 2^base}. For BFP and MXINT8 the mantissa is the two's-complement code and base = -(M - 2); for MXFP elements the
 * signed significand (implicit one included) is shifted left by its exponent above the smallest one (the subnormal
 * exponent emin - mbits), so products of mantissas are exact integer products.
 */
public final class BlockMantissas {
    private BlockMantissas() {}

    /** The exponent of one unit of the mantissa grid. */
    public static int baseExponent(ElementType e) {
        if (e instanceof ElementType.FpElement f) {
            return f.emin() - f.mantissaBits();
        }
        return 2 - e.bits();
    }

    /** The integer mantissa of a code: {@code significand(code) << (exponent(code) - base)}. */
    public static long mantissa(ElementType e, int code) {
        return (long) e.significand(code) << (e.exponent(code) - baseExponent(e));
    }

    /** Bits of the largest mantissa magnitude (sign not counted). */
    public static int magnitudeBits(ElementType e) {
        double max = Math.scalb(e.maxNormal(), -baseExponent(e));
        return 64 - Long.numberOfLeadingZeros((long) max);
    }
}
