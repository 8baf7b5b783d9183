package io.bitsweep.eval.model;

import java.util.Arrays;

/**
 * Affine quantization parameters of a tensor: {@code real = scale * (q - zeroPoint)}. Per-tensor parameters have one
 * scale and one zero point; per-channel parameters have one per index of dimension {@link #axis()}.
 */
public final class QuantParams {
    private final float[] scales;
    private final long[] zeroPoints;
    private final int axis;

    public QuantParams(float[] scales, long[] zeroPoints, int axis) {
        if (scales.length == 0 || scales.length != zeroPoints.length) {
            throw new IllegalArgumentException("quantization needs as many scales as zero points (at least one), got "
                    + scales.length + " and " + zeroPoints.length);
        }
        this.scales = scales.clone();
        this.zeroPoints = zeroPoints.clone();
        this.axis = axis;
    }

    /** Per-tensor parameters. */
    public static QuantParams perTensor(float scale, long zeroPoint) {
        return new QuantParams(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    /** Number of (scale, zero point) pairs: 1, or the size of {@link #axis()}. */
    public int count() {
        return scales.length;
    }

    /** The quantized dimension (meaningful for per-channel parameters). */
    public int axis() {
        return axis;
    }

    /** The scale of channel {@code c} (any c for per-tensor parameters). */
    public float scale(int c) {
        return scales[scales.length == 1 ? 0 : c];
    }

    /** The zero point of channel {@code c} (any c for per-tensor parameters). */
    public long zeroPoint(int c) {
        return zeroPoints[zeroPoints.length == 1 ? 0 : c];
    }

    public float[] scales() {
        return scales.clone();
    }

    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams q && axis == q.axis && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(scales) + Arrays.hashCode(zeroPoints)) + axis;
    }

    @Override
    public String toString() {
        return isPerChannel()
                ? "per-channel(axis " + axis + ", " + scales.length + " scales)"
                : "scale " + scales[0] + " zp " + zeroPoints[0];
    }
}
