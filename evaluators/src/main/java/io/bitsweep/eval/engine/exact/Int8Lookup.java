package io.bitsweep.eval.engine.exact;

import java.util.function.DoubleUnaryOperator;

/**
 * An int8 → int8 element function through a 256-entry table, as TFLite's optimized int8 LOGISTIC builds it
 * ({@code PopulateLookupTable}): each code is dequantized in float, transformed, multiplied by the inverse output
 * scale in float, rounded half away from zero, offset and clamped.
 */
public final class Int8Lookup {
    private final byte[] table = new byte[256];

    /** @param transform the real function; its argument and result are taken as floats, as C's float calls do */
    public Int8Lookup(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
            DoubleUnaryOperator transform) {
        float inverseScale = 1 / outputScale;
        for (int val = -128; val <= 127; val++) {
            float dequantized = inputScale * (val - inputZeroPoint);
            float transformed = (float) transform.applyAsDouble(dequantized);
            float rescaled = TfliteMath.roundHalfAway(transformed * inverseScale);
            int quantized = (int) (rescaled + outputZeroPoint);
            table[val & 0xff] = (byte) Math.max(-128, Math.min(127, quantized));
        }
    }

    /** LOGISTIC: {@code 1.0f / (1.0f + expf(-x))}. */
    public static Int8Lookup logistic(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint) {
        return new Int8Lookup(inputScale, inputZeroPoint, outputScale, outputZeroPoint,
                x -> 1.0f / (1.0f + TfliteMath.expf((float) -x)));
    }

    /** The first {@code count} codes of {@code in} into {@code out}. */
    public void run(byte[] in, byte[] out, int count) {
        for (int i = 0; i < count; i++) {
            out[i] = table[in[i] & 0xff];
        }
    }
}
