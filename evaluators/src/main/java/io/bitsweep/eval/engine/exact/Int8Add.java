package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.Activation;

/**
 * ADD of two int8 tensors of the same shape, as TFLite's int8 kernel: both inputs are shifted left by 20 bits,
 * rescaled to twice the larger input scale, summed, rescaled to the output scale, offset and clamped.
 */
public final class Int8Add {
    private static final int LEFT_SHIFT = 20;

    private final int input1Offset;
    private final int input2Offset;
    private final QuantizedMultiplier input1Multiplier;
    private final QuantizedMultiplier input2Multiplier;
    private final QuantizedMultiplier outputMultiplier;
    private final int outputZeroPoint;
    private final int activationMin;
    private final int activationMax;

    public Int8Add(float scale1, int zeroPoint1, float scale2, int zeroPoint2, float outScale, int outZeroPoint,
            Activation activation) {
        this.input1Offset = -zeroPoint1;
        this.input2Offset = -zeroPoint2;
        // As TFLite: 2 * max(float, float) is a float product, exact; the ratios are taken in double.
        double twiceMaxInputScale = 2 * Math.max(scale1, scale2);
        this.input1Multiplier = smallerThanOne(scale1 / twiceMaxInputScale);
        this.input2Multiplier = smallerThanOne(scale2 / twiceMaxInputScale);
        this.outputMultiplier = smallerThanOne(twiceMaxInputScale / ((1 << LEFT_SHIFT) * outScale));
        this.outputZeroPoint = outZeroPoint;
        int[] range = ActivationRange.int8(activation, outScale, outZeroPoint);
        this.activationMin = range[0];
        this.activationMax = range[1];
    }

    private static QuantizedMultiplier smallerThanOne(double real) {
        if (!(real > 0 && real < 1)) {
            throw new IllegalArgumentException("ADD rescale factor must be in (0, 1), got " + real);
        }
        return QuantizedMultiplier.of(real);
    }

    public void run(byte[] a, byte[] b, byte[] out) {
        int m1 = input1Multiplier.multiplier();
        int s1 = input1Multiplier.shift();
        int m2 = input2Multiplier.multiplier();
        int s2 = input2Multiplier.shift();
        int mo = outputMultiplier.multiplier();
        int so = outputMultiplier.shift();
        for (int i = 0; i < out.length; i++) {
            int x1 = (a[i] + input1Offset) << LEFT_SHIFT;
            int x2 = (b[i] + input2Offset) << LEFT_SHIFT;
            int scaled1 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(x1, m1, s1);
            int scaled2 = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(x2, m2, s2);
            int raw = FixedPoint.multiplyByQuantizedMultiplierSmallerThanOneExp(scaled1 + scaled2, mo, so)
                    + outputZeroPoint;
            out[i] = (byte) Math.min(activationMax, Math.max(activationMin, raw));
        }
    }
}
