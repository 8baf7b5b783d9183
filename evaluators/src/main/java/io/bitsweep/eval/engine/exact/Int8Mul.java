package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ElementGeometry;

/**
 * MUL of two int8 tensors with numpy broadcasting, as TFLite's int8 kernel: {@code (a - za) * (b - zb)} in int32,
 * requantized by {@code scale_a * scale_b / scale_out} (the product and quotient in float, as TFLite's Prepare
 * computes them), plus the output zero point, clamped.
 */
public final class Int8Mul {
    private final int[] aStrides;
    private final int[] bStrides;
    private final int[] outDims;
    private final int aOffset;
    private final int bOffset;
    private final int outputZeroPoint;
    private final QuantizedMultiplier multiplier;
    private final RequantRounding rounding;
    private final int activationMin;
    private final int activationMax;

    /** @param outputRange the clamp {@code {min, max}} */
    public Int8Mul(int[] aShape, float scaleA, int zeroPointA, int[] bShape, float scaleB, int zeroPointB,
            int[] outShape, float outScale, int outZeroPoint, int[] outputRange, RequantRounding rounding) {
        this.aStrides = ElementGeometry.broadcastStrides(aShape, outShape);
        this.bStrides = ElementGeometry.broadcastStrides(bShape, outShape);
        this.outDims = ElementGeometry.dims4(outShape);
        this.aOffset = -zeroPointA;
        this.bOffset = -zeroPointB;
        this.outputZeroPoint = outZeroPoint;
        float real = scaleA * scaleB / outScale; // float arithmetic, as in TFLite's Prepare
        this.multiplier = QuantizedMultiplier.of(real);
        this.rounding = rounding;
        this.activationMin = outputRange[0];
        this.activationMax = outputRange[1];
    }

    /** One sample: operands from {@code a[aAt..]} and {@code b[bAt..]}, the product into {@code out[outAt..]}. */
    public void run(byte[] a, int aAt, byte[] b, int bAt, byte[] out, int outAt) {
        int m = multiplier.multiplier();
        int s = multiplier.shift();
        int o = outAt;
        for (int i0 = 0; i0 < outDims[0]; i0++) {
            for (int i1 = 0; i1 < outDims[1]; i1++) {
                for (int i2 = 0; i2 < outDims[2]; i2++) {
                    int ia = aAt + i0 * aStrides[0] + i1 * aStrides[1] + i2 * aStrides[2];
                    int ib = bAt + i0 * bStrides[0] + i1 * bStrides[1] + i2 * bStrides[2];
                    for (int i3 = 0; i3 < outDims[3]; i3++, o++) {
                        int product = (a[ia + i3 * aStrides[3]] + aOffset) * (b[ib + i3 * bStrides[3]] + bOffset);
                        int v = rounding.apply(product, m, s) + outputZeroPoint;
                        out[o] = (byte) Math.min(activationMax, Math.max(activationMin, v));
                    }
                }
            }
        }
    }
}
