package io.bitsweep.eval.format;

/**
 * The integer form of a quantized tensor, in caller-owned arrays that can be reused from candidate to candidate
 * (quantizing into them allocates nothing). {@code codes} has one entry per element, at the element's own C-order
 * index; the group arrays have one entry per group of the {@link Layout}. What a code means depends on the format:
 * <ul>
 *   <li>{@link IntFormat}: value = (codes[i] - zeroPoints[g]) * scales[g]; codes are in [qmin, qmax];
 *       zeroPoints are 0 for symmetric formats; for {@code :pot} formats scales[g] = 2^exponents[g] exactly.</li>
 *   <li>{@link BlockFormat} (BFP, MX): value = element(codes[i]) * 2^exponents[g], where exponents[g] is the shared
 *       scale exponent (the E8M0 scale for MX) and element(code) = significand(code) * 2^exponent(code) from
 *       {@link ElementType}. Integer elements (BFP, MXINT8) have code = significand, a two's-complement integer;
 *       FP elements (MXFP*) have code = the element's bit pattern (sign, exponent, mantissa). scales[g] = 2^exponents[g].</li>
 *   <li>{@link PrunedFormat}: every code is 0. {@link Fp32Format}: codes are the raw float32 bits.</li>
 * </ul>
 */
public final class QuantizedTensor {
    public final int[] codes;
    public final float[] scales;
    public final int[] zeroPoints;
    public final int[] exponents;

    public QuantizedTensor(int elements, int groups) {
        this.codes = new int[elements];
        this.scales = new float[groups];
        this.zeroPoints = new int[groups];
        this.exponents = new int[groups];
    }

    /** Arrays sized for one layout. */
    public static QuantizedTensor forLayout(Layout layout) {
        return new QuantizedTensor(layout.size(), layout.groups());
    }

    void checkFits(Layout layout) {
        if (codes.length < layout.size() || scales.length < layout.groups()) {
            throw new IllegalArgumentException("QuantizedTensor of " + codes.length + " codes / " + scales.length
                    + " groups is too small for " + layout);
        }
    }
}
