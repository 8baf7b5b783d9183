package io.bitsweep.eval.format;

/** {@code pruned}: every value becomes 0 and costs no storage. Accepts any layout, so it can stand in for a channel. */
public final class PrunedFormat extends NumberFormat {
    PrunedFormat() {
        super("pruned");
    }

    @Override
    public int elementBits() {
        return 0;
    }

    @Override
    public int groupOverheadBits() {
        return 0;
    }

    @Override
    public double bitsPerElement() {
        return 0;
    }

    @Override
    public Layout layout(int[] shape, Granularity granularity) {
        return granularity instanceof Granularity.PerChannel c ? Layout.perChannel(shape, c.axis()) : Layout.perTensor(shape);
    }

    @Override
    void process(float[] src, Layout layout, Rounding rounding, int from, int to, float[] dst, QuantizedTensor out) {
        int step = layout.elementStride();
        for (int g = from; g < to; g++) {
            int base = layout.base(g);
            int len = layout.runLength(g);
            for (int r = 0, runs = layout.runs(); r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    if (dst != null) {
                        dst[i] = 0f;
                    }
                    if (out != null) {
                        out.codes[i] = 0;
                    }
                }
            }
            if (out != null) {
                out.scales[g] = 0f;
                out.zeroPoints[g] = 0;
                out.exponents[g] = 0;
            }
        }
    }

    @Override
    float dequantizeCode(QuantizedTensor q, int g, int code) {
        return 0f;
    }
}
