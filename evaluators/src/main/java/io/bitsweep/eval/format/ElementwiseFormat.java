package io.bitsweep.eval.format;

/**
 * A format without per-group parameters: every element is encoded on its own, so quantizing is one pass that maps
 * each value to its code and its decoded value, and a group's scale is a constant. {@code fp32} and {@code pruned}
 * are the two ends of it (32 bits, unchanged; 0 bits, zero).
 */
abstract sealed class ElementwiseFormat extends NumberFormat permits Fp32Format, PrunedFormat {
    private final int bits;
    private final float groupScale;

    ElementwiseFormat(String spec, int bits, float groupScale) {
        super(spec);
        this.bits = bits;
        this.groupScale = groupScale;
    }

    /** The code stored for {@code value}. */
    abstract int encode(float value);

    /** What {@code value} becomes (taken from the value, not the code, so that NaN payloads survive fp32). */
    abstract float quantizeDequantize(float value);

    @Override
    public final int elementBits() {
        return bits;
    }

    @Override
    public final int groupOverheadBits() {
        return 0;
    }

    @Override
    public final double bitsPerElement() {
        return bits;
    }

    @Override
    public final Layout layout(int[] shape, Granularity granularity) {
        return granularity instanceof Granularity.PerChannel c ? Layout.perChannel(shape, c.axis()) : Layout.perTensor(shape);
    }

    @Override
    final void process(float[] src, Layout layout, Rounding rounding, int from, int to, float[] dst,
                       QuantizedTensor out) {
        int step = layout.elementStride();
        for (int g = from; g < to; g++) {
            int base = layout.base(g);
            int len = layout.runLength(g);
            for (int r = 0, runs = layout.runs(); r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    if (dst != null) {
                        dst[i] = quantizeDequantize(src[i]);
                    }
                    if (out != null) {
                        out.codes[i] = encode(src[i]);
                    }
                }
            }
            if (out != null) {
                out.scales[g] = groupScale;
                out.zeroPoints[g] = 0;
                out.exponents[g] = 0;
            }
        }
    }
}
