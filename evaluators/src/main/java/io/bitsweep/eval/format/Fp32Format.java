package io.bitsweep.eval.format;

/** {@code fp32}: no quantization; values pass through unchanged (NaN and infinities included). Codes are the raw bits. */
public final class Fp32Format extends ElementwiseFormat {
    Fp32Format() {
        super("fp32", 32, 1f);
    }

    @Override
    int encode(float value) {
        return Float.floatToRawIntBits(value);
    }

    @Override
    float quantizeDequantize(float value) {
        return value;
    }

    @Override
    float dequantizeCode(QuantizedTensor q, int g, int code) {
        return Float.intBitsToFloat(code);
    }
}
