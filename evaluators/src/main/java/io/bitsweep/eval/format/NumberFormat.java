package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;
import java.io.Serializable;

/**
 * A number format (the Number type of the design): one immutable value per spec string, e.g. {@code int4:pot},
 * {@code bfp:m4:b16}, {@code mxfp4_e2m1}. It quantizes float32 tensors two ways:
 * <ul>
 *   <li>{@link #quantizeDequantize}: float in, the nearest representable float out (the simulation path);</li>
 *   <li>{@link #quantize} / {@link #dequantize}: the integer form (codes per element plus a scale or shared
 *       exponent per group, see {@link QuantizedTensor}) for engines that compute on integers.</li>
 * </ul>
 * Both paths agree bit for bit: {@code dequantize(quantize(x)) == quantizeDequantize(x)}. Neither allocates;
 * both may work on a range of groups, so a caller can quantize each channel of a tensor with its own format.
 * Inputs must be finite (except for fp32). Equality, hash code and toString are those of the canonical spec string.
 */
public abstract sealed class NumberFormat implements Serializable
        permits IntFormat, BlockFormat, ElementwiseFormat {
    private static final long serialVersionUID = 1L;
    private final String spec;

    NumberFormat(String spec) {
        this.spec = spec;
    }

    /**
     * Parses a spec string (see {@link SpecParser} for the grammar).
     *
     * @throws io.bitsweep.eval.BitSweepException a one-line message naming the allowed forms
     */
    public static NumberFormat parse(String spec) {
        return SpecParser.parse(spec);
    }

    /**
     * Parses a spec string found in a named place (a config field, a layer, an option); errors start with
     * {@code context + ": "}, e.g. "layers.conv_2d_0.weights: unknown number format 'int9x' (allowed: ...)".
     */
    public static NumberFormat parse(String spec, String context) {
        try {
            return SpecParser.parse(spec);
        } catch (BitSweepException e) {
            throw new BitSweepException(context + ": " + e.getMessage(), e);
        }
    }

    /** The canonical spec string: parse(f.spec()).equals(f), and defaults are left out ({@code mxint8}, not {@code mxint8:b32}). */
    public final String spec() {
        return spec;
    }

    /** Storage bits of one element, without the per-group scale or exponent. */
    public abstract int elementBits();

    /** Storage bits of one group's parameters: a scale, zero point or shared exponent. */
    public abstract int groupOverheadBits();

    /**
     * Bits per element with the shared exponent amortised over a full block (m + e/B) for block formats; for
     * integer formats, whose scale is per channel or per tensor, the element bits alone (see {@link #packedBits}).
     */
    public abstract double bitsPerElement();

    /** The packed size of a tensor in bits, scales, zero points and shared exponents included. */
    public final long packedBits(Layout layout) {
        return (long) layout.size() * elementBits() + (long) layout.groups() * groupOverheadBits();
    }

    /** {@link #packedBits} rounded up to whole bytes. */
    public final long packedBytes(Layout layout) {
        return (packedBits(layout) + 7) / 8;
    }

    /**
     * The layout of a tensor of this shape under the granularity. Integer formats take per tensor or per channel;
     * block formats take blocks (of their own size); fp32 and pruned take any.
     *
     * @throws io.bitsweep.eval.BitSweepException if the granularity does not fit the format or the axis the shape
     */
    public abstract Layout layout(int[] shape, Granularity granularity);

    /** Quantizes and dequantizes every group: dst[i] = the representable value for src[i]. dst may be src. */
    public final void quantizeDequantize(float[] src, float[] dst, Layout layout, Rounding rounding) {
        quantizeDequantize(src, dst, layout, rounding, 0, layout.groups());
    }

    /** As {@link #quantizeDequantize(float[], float[], Layout, Rounding)}, for groups [fromGroup, toGroup) only. */
    public final void quantizeDequantize(float[] src, float[] dst, Layout layout, Rounding rounding,
            int fromGroup, int toGroup) {
        checkArrays(src.length, dst.length, layout, fromGroup, toGroup);
        process(src, layout, rounding, fromGroup, toGroup, dst, null);
    }

    /** Quantizes every group to its integer form in {@code out}. */
    public final void quantize(float[] src, Layout layout, Rounding rounding, QuantizedTensor out) {
        quantize(src, layout, rounding, out, 0, layout.groups());
    }

    /** As {@link #quantize(float[], Layout, Rounding, QuantizedTensor)}, for groups [fromGroup, toGroup) only. */
    public final void quantize(float[] src, Layout layout, Rounding rounding, QuantizedTensor out,
            int fromGroup, int toGroup) {
        out.checkFits(layout);
        checkArrays(src.length, layout.size(), layout, fromGroup, toGroup);
        process(src, layout, rounding, fromGroup, toGroup, null, out);
    }

    /** The float values of an integer form made by {@link #quantize} with the same layout. */
    public final void dequantize(QuantizedTensor q, Layout layout, float[] dst) {
        dequantize(q, layout, dst, 0, layout.groups());
    }

    /** As {@link #dequantize(QuantizedTensor, Layout, float[])}, for groups [fromGroup, toGroup) only. */
    public final void dequantize(QuantizedTensor q, Layout layout, float[] dst, int fromGroup, int toGroup) {
        q.checkFits(layout);
        checkArrays(layout.size(), dst.length, layout, fromGroup, toGroup);
        for (int g = fromGroup; g < toGroup; g++) {
            int base = layout.base(g);
            int len = layout.runLength(g);
            int step = layout.elementStride();
            for (int r = 0, runs = layout.runs(); r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    dst[i] = dequantizeCode(q, g, q.codes[i]);
                }
            }
        }
    }

    /**
     * The one kernel behind both paths: quantizes groups [from, to) of src, writing floats to dst and/or the
     * integer form to out (whichever is non-null).
     */
    abstract void process(float[] src, Layout layout, Rounding rounding, int from, int to, float[] dst,
            QuantizedTensor out);

    /** The float value of one code of group g. */
    abstract float dequantizeCode(QuantizedTensor q, int g, int code);

    private static void checkArrays(int srcLength, int dstLength, Layout layout, int from, int to) {
        if (srcLength < layout.size() || dstLength < layout.size()) {
            throw new IllegalArgumentException("arrays of " + srcLength + " and " + dstLength
                    + " elements are too small for " + layout);
        }
        layout.checkGroups(from, to);
    }

    /** The largest |x| of group g; throws on NaN or infinity, which no scaled format can represent. */
    static float maxAbs(float[] src, Layout layout, int g) {
        float m = 0f;
        int base = layout.base(g);
        int len = layout.runLength(g);
        int step = layout.elementStride();
        for (int r = 0, runs = layout.runs(); r < runs; r++) {
            for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                m = Math.max(m, Math.abs(src[i]));
            }
        }
        if (!Float.isFinite(m)) {
            throw new IllegalArgumentException("cannot quantize a non-finite value (NaN or infinity) in group " + g
                    + " of " + layout);
        }
        return m;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof NumberFormat f && f.spec.equals(spec);
    }

    @Override
    public final int hashCode() {
        return spec.hashCode();
    }

    @Override
    public final String toString() {
        return spec;
    }

    /** A format travels (e.g. to Spark executors) as its spec string, and is parsed again where it lands. */
    protected final Object writeReplace() {
        return new SerializedSpec(spec);
    }

    private record SerializedSpec(String spec) implements Serializable {
        private Object readResolve() {
            return parse(spec);
        }
    }
}
