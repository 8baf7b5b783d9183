package io.bitsweep.eval.engine.exact;

/** QUANTIZE (float → int8) and DEQUANTIZE (int8 → float) with TFLite's arithmetic. */
public final class Int8Quantization {
    private Int8Quantization() {}

    /**
     * {@code clamp(zp + (int) round(x / scale))}, the division in double (TFLite's AffineQuantize), into
     * {@code q[offset..offset + x.length)}.
     */
    public static void quantize(float[] x, float scale, int zeroPoint, byte[] q, int offset) {
        double s = scale;
        for (int i = 0; i < x.length; i++) {
            long r = (long) TfliteMath.roundHalfAway(x[i] / s) + zeroPoint;
            q[offset + i] = (byte) Math.max(-128, Math.min(127, r));
        }
    }

    /** {@code scale * (q - zp)} in float, from {@code q[offset..offset + x.length)}. */
    public static void dequantize(byte[] q, int offset, float scale, int zeroPoint, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = scale * (q[offset + i] - zeroPoint);
        }
    }
}
