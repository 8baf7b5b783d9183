package io.bitsweep.eval.quant;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;

/**
 * The integer grid of an activation tensor: scale, zero point and code range, from its calibrated range and its
 * integer format, as TFLite's converter derives them. {@code intN:asym} maps [min, max] onto the codes with a zero
 * point that makes 0 exact; symmetric {@code intN} has zero point 0 and scale max(|min|, max) / qmax; {@code :pot}
 * rounds the scale up to a power of two. Block formats are carried between layers as int8:asym.
 */
record ActivationGrid(float scale, int zeroPoint, int qmin, int qmax) {
    private static final NumberFormat CARRIER = NumberFormat.parse("int8:asym");

    /** The format a tensor is stored in between layers: its own, or int8:asym for a block format. */
    static NumberFormat carried(NumberFormat format) {
        return format instanceof BlockFormat ? CARRIER : format;
    }

    static ActivationGrid of(Calibrator.Range r, IntFormat fmt) {
        int qmin = fmt.qmin();
        int qmax = fmt.qmax();
        float scale = fmt.asymmetric() ? (r.max() - r.min()) / (qmax - qmin) : Math.max(-r.min(), r.max()) / qmax;
        scale = fmt.powerOfTwo() ? powerOfTwoAtLeast(scale) : scale;
        if (!(scale > 0)) {
            scale = 1f;
        }
        int zp = fmt.asymmetric() ? (int) Math.max(qmin, Math.min(qmax, qmin - Math.round(r.min() / scale))) : 0;
        return new ActivationGrid(scale, zp, qmin, qmax);
    }

    /** x rounded to the grid (nearest, clamped to the codes), as a real value. */
    float fakeQuantize(float x) {
        int code = Math.max(qmin, Math.min(qmax, Math.round(x / scale) + zeroPoint));
        return (code - zeroPoint) * scale;
    }

    private static float powerOfTwoAtLeast(float s) {
        if (!(s > 0)) {
            return s;
        }
        int e = Math.getExponent(s);
        return Math.scalb(1f, s == Math.scalb(1f, e) ? e : e + 1);
    }
}
