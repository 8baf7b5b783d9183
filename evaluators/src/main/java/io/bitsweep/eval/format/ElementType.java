package io.bitsweep.eval.format;

/**
 * The per-element type of a block format: an integer mantissa (BFP, MXINT8) or a small float (the MXFP
 * elements of OCP MX v1.0). An element's value is {@code significand(code) * 2^exponent(code)}; the block's shared
 * scale multiplies it. Values are handled as doubles, in which every step here is exact.
 */
public sealed interface ElementType permits ElementType.IntElement, ElementType.FpElement {

    /** Storage bits per element, sign included. */
    int bits();

    /** The exponent of the largest power of two the element can hold: OCP MX's emax(element). */
    int emax();

    /** The largest finite magnitude; quantization saturates to it. */
    double maxNormal();

    /**
     * The representable element for {@code v} under the rounding mode, saturated to ±maxNormal: v, a float32 value
     * scaled by a power of two (a block's x / 2^X), is rounded on the element grid with
     * {@link Rounding#roundFloat32}, as microxcaling does. A zero result is +0.0 for integer elements (two's
     * complement has no -0); FP elements give it the sign of v, except +0.0 for a v below float32's range.
     */
    double quantize(double v, Rounding rounding);

    /** The code of a representable element value (one returned by {@link #quantize}). */
    int encode(double value);

    /** The element value of a code. */
    double decode(int code);

    /** The signed integer significand of a code (implicit leading one included for normal FP elements). */
    int significand(int code);

    /** The power of two that scales {@link #significand(int)}. */
    int exponent(int code);

    /** 2^e as a double, for |e| well inside the double range; exact. */
    static double pow2(int e) {
        return Double.longBitsToDouble((long) (e + 1023) << 52);
    }

    /**
     * A two's-complement integer with {@code bits - 2} fraction bits: k * 2^-(bits-2), |k| <= 2^(bits-1) - 1.
     * Symmetric (the most negative code is unused, as MX clamps to ±max normal). MXINT8 is {@code IntElement(8)}:
     * value = k * 2^-6, max 1 63/64.
     */
    final class IntElement implements ElementType {
        private final int bits;
        private final int maxCode;
        private final double toInt;
        private final double fromInt;

        public IntElement(int bits) {
            this.bits = bits;
            this.maxCode = (1 << (bits - 1)) - 1;
            this.toInt = pow2(bits - 2);
            this.fromInt = pow2(2 - bits);
        }

        @Override
        public int bits() {
            return bits;
        }

        @Override
        public int emax() {
            return 0;
        }

        /** The largest code; codes are in [-maxCode, maxCode]. */
        public int maxCode() {
            return maxCode;
        }

        /** Fraction bits of the fixed-point element: value = code * 2^-fractionBits. */
        public int fractionBits() {
            return bits - 2;
        }

        @Override
        public double maxNormal() {
            return maxCode * fromInt;
        }

        @Override
        public double quantize(double v, Rounding rounding) {
            // v * 2^(bits-2) is a float32 value (see quantize's contract), or below float32's range and so far
            // below one step that it rounds to 0 either way: the cast changes no result
            double k = rounding.roundFloat32((float) (v * toInt));
            // + 0.0 turns -0.0 into +0.0: a two's-complement element has no negative zero.
            return Math.max(-maxCode, Math.min(maxCode, k)) * fromInt + 0.0;
        }

        @Override
        public int encode(double value) {
            return (int) (value * toInt);
        }

        @Override
        public double decode(int code) {
            return code * fromInt;
        }

        @Override
        public int significand(int code) {
            return code;
        }

        @Override
        public int exponent(int code) {
            return 2 - bits;
        }

        @Override
        public String toString() {
            return "int" + bits + " (2^" + (2 - bits) + " units)";
        }
    }

    /**
     * A sign-magnitude float element with subnormals, as OCP MX v1.0 defines them: FP8 E4M3 (no infinities; the
     * all-ones code is NaN, so the max normal is 448), FP8 E5M2 (IEEE-like; max normal 57344), FP6 E3M2 / E2M3 and
     * FP4 E2M1 (no infinities or NaN). Quantization never produces NaN or infinity: it saturates to ±maxNormal.
     */
    final class FpElement implements ElementType {
        public static final FpElement E4M3 = new FpElement("e4m3", 4, 3, 448);
        public static final FpElement E5M2 = new FpElement("e5m2", 5, 2, 57344);
        public static final FpElement E3M2 = new FpElement("e3m2", 3, 2, 28);
        public static final FpElement E2M3 = new FpElement("e2m3", 2, 3, 7.5);
        public static final FpElement E2M1 = new FpElement("e2m1", 2, 1, 6);

        private final String name;
        private final int ebits;
        private final int mbits;
        private final double maxNormal;
        private final int bias;
        private final int emin;
        private final double minNormal;

        private FpElement(String name, int ebits, int mbits, double maxNormal) {
            this.name = name;
            this.ebits = ebits;
            this.mbits = mbits;
            this.maxNormal = maxNormal;
            this.bias = (1 << (ebits - 1)) - 1;
            this.emin = 1 - bias;
            this.minNormal = pow2(emin);
        }

        public int exponentBits() {
            return ebits;
        }

        public int mantissaBits() {
            return mbits;
        }

        public int bias() {
            return bias;
        }

        /** The exponent of the smallest normal; subnormals share its step 2^(emin - mbits). */
        public int emin() {
            return emin;
        }

        @Override
        public int bits() {
            return 1 + ebits + mbits;
        }

        @Override
        public int emax() {
            return Math.getExponent(maxNormal);
        }

        @Override
        public double maxNormal() {
            return maxNormal;
        }

        @Override
        public double quantize(double v, Rounding rounding) {
            double a = Math.abs(v);
            // The step is set by the value's own binade, or by emin for subnormals (getExponent(0) is -1023).
            int e = Math.max(Math.getExponent(a), emin);
            // a * 2^(mbits-e) is a float32 value (see quantize's contract), or below float32's range and so far
            // below one step that it rounds to 0 either way: the cast changes no result
            double steps = rounding.roundFloat32((float) (a * pow2(mbits - e)));
            // A zero keeps the sign of v (-0.0 stays -0.0), but a v that float32 cannot hold gives +0.0, as in
            // microxcaling: its x / 2^X underflows to a zero there, and torch.sign of a zero is 0.
            double sign = v != 0 && (float) v == 0f ? 0.0 : v;
            return Math.copySign(Math.min(steps * pow2(e - mbits), maxNormal), sign);
        }

        @Override
        public int encode(double value) {
            int sign = Double.doubleToRawLongBits(value) < 0 ? 1 : 0;
            double a = Math.abs(value);
            int field;
            int mantissa;
            if (a < minNormal) {
                field = 0;
                mantissa = (int) (a * pow2(mbits - emin));
            } else {
                int e = Math.getExponent(a);
                field = e + bias;
                mantissa = (int) (a * pow2(mbits - e)) - (1 << mbits);
            }
            return sign << (ebits + mbits) | field << mbits | mantissa;
        }

        @Override
        public double decode(int code) {
            double magnitude = Math.abs(significand(code)) * pow2(exponent(code));
            return (code >>> (ebits + mbits) & 1) != 0 ? -magnitude : magnitude;
        }

        @Override
        public int significand(int code) {
            int field = (code >>> mbits) & ((1 << ebits) - 1);
            int mantissa = code & ((1 << mbits) - 1);
            int magnitude = field == 0 ? mantissa : mantissa | (1 << mbits);
            return (code >>> (ebits + mbits) & 1) != 0 ? -magnitude : magnitude;
        }

        @Override
        public int exponent(int code) {
            int field = (code >>> mbits) & ((1 << ebits) - 1);
            return (field == 0 ? emin : field - bias) - mbits;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
