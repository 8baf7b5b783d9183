package io.bitsweep.eval.format;

/** {@code pruned}: every value becomes 0 and costs no storage. Accepts any layout, so it can stand in for a channel. */
public final class PrunedFormat extends ElementwiseFormat {
    PrunedFormat() {
        super("pruned", 0, 0f);
    }

    @Override
    int encode(float value) {
        return 0;
    }

    @Override
    float quantizeDequantize(float value) {
        return 0f;
    }

    @Override
    float dequantizeCode(QuantizedTensor q, int g, int code) {
        return 0f;
    }
}
