package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;

/**
 * Block formats: blocks of B consecutive elements along an axis share one power-of-two scale 2^X.
 * <ul>
 *   <li>OCP MX v1.0 ({@code mxint8}, {@code mxfp8_e4m3}, {@code mxfp8_e5m2}, {@code mxfp6_e3m2},
 *       {@code mxfp6_e2m3}, {@code mxfp4_e2m1}; B = 32 unless {@code :b<N>}): X is the E8M0 scale.</li>
 *   <li>BFP ({@code bfp:m<M>:b<B>[:e<E>]}): M-bit two's-complement mantissas (sign included) with M-2 fraction
 *       bits, and an E-bit shared exponent (default 8). bfp:m8:b32 computes exactly what mxint8 does.</li>
 * </ul>
 * The shared exponent follows OCP MX v1.0 section 6.3: X = floor(log2(max|x| of the block)) - emax(element), taken
 * from the float's exponent bits ({@link Math#getExponent(float)}, so a zero or subnormal max gives -127), then
 * clamped to [-(2^(E-1)-1), 2^(E-1)-1] ([-127, 127] for E8M0). Each element x/2^X is rounded with the mode and
 * saturated to the element's max normal; the result times 2^X is exact in float32.
 */
public final class BlockFormat extends NumberFormat {
    private final ElementType element;
    private final int blockSize;
    private final int scaleBits;
    private final int maxScaleExponent;
    private final boolean mx;

    BlockFormat(String spec, ElementType element, int blockSize, int scaleBits, boolean mx) {
        super(spec);
        this.element = element;
        this.blockSize = blockSize;
        this.scaleBits = scaleBits;
        this.maxScaleExponent = (1 << (scaleBits - 1)) - 1;
        this.mx = mx;
    }

    public ElementType element() {
        return element;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Bits of the shared exponent (8 for MX's E8M0). */
    public int scaleBits() {
        return scaleBits;
    }

    /** True for the OCP MX formats, false for BFP. */
    public boolean isMx() {
        return mx;
    }

    /** The shared scale exponent X of a block whose largest magnitude is {@code maxAbs}. */
    public int sharedExponent(float maxAbs) {
        int x = Math.getExponent(maxAbs) - element.emax();
        return Math.max(-maxScaleExponent, Math.min(maxScaleExponent, x));
    }

    @Override
    public int elementBits() {
        return element.bits();
    }

    @Override
    public int groupOverheadBits() {
        return scaleBits;
    }

    @Override
    public double bitsPerElement() {
        return element.bits() + (double) scaleBits / blockSize;
    }

    @Override
    public Layout layout(int[] shape, Granularity granularity) {
        if (granularity instanceof Granularity.Blocks b) {
            return Layout.blocks(shape, b.axis(), blockSize);
        }
        throw new BitSweepException(spec() + " shares one exponent per block of " + blockSize + ", not "
                + granularity + " (allowed: blocks along an axis)");
    }

    @Override
    void process(float[] src, Layout layout, Rounding rounding, int from, int to, float[] dst, QuantizedTensor out) {
        int step = layout.elementStride();
        int runs = layout.runs();
        for (int g = from; g < to; g++) {
            int x = sharedExponent(maxAbs(src, layout, g));
            double down = ElementType.pow2(-x);
            double up = ElementType.pow2(x);
            int base = layout.base(g);
            int len = layout.runLength(g);
            for (int r = 0; r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    double q = element.quantize(src[i] * down, rounding);
                    if (dst != null) {
                        dst[i] = (float) (q * up);
                    }
                    if (out != null) {
                        out.codes[i] = element.encode(q);
                    }
                }
            }
            if (out != null) {
                out.exponents[g] = x;
                out.scales[g] = (float) up;
                out.zeroPoints[g] = 0;
            }
        }
    }

    @Override
    float dequantizeCode(QuantizedTensor q, int g, int code) {
        return (float) (element.decode(code) * ElementType.pow2(q.exponents[g]));
    }
}
