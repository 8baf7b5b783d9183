package io.bitsweep.eval.engine.exact;

/**
 * SOFTMAX int8 → int8 as desktop TFLite 2.6 computes it (optimized kernel, x86): a 256-entry float table
 * {@code table[255 - d] = expf(-inputScale * beta * d)} built once, a float sum of the table entries in input
 * order, {@code inv = 1f / (sum * outputScale)}, and {@code round(table * inv) + zeroPoint}, clamped. All
 * arithmetic in float, in the same order as the C++ loop.
 */
public final class Int8Softmax {
    private final float[] table = new float[256];
    private final float outputScale;
    private final int outputZeroPoint;
    private final int rowLength;

    public Int8Softmax(float inputScale, float beta, float outputScale, int outputZeroPoint, int rowLength) {
        float scale = -inputScale * beta;
        for (int val = 0; val <= 255; val++) {
            table[255 - val] = TfliteMath.expf(scale * val);
        }
        this.outputScale = outputScale;
        this.outputZeroPoint = outputZeroPoint;
        this.rowLength = rowLength;
    }

    /** The first {@code count} codes of {@code in} (whole rows), into {@code out}. */
    /** The 256 exponentials, {@code table[255 - d] = expf(-inputScale * beta * d)} (a copy, for an exporter). */
    public float[] table() {
        return table.clone();
    }

    public void run(byte[] in, byte[] out, int count) {
        for (int base = 0; base < count; base += rowLength) {
            int max = Byte.MIN_VALUE;
            for (int j = 0; j < rowLength; j++) {
                max = Math.max(max, in[base + j]);
            }
            int offset = 255 - max;
            float sum = 0f;
            for (int j = 0; j < rowLength; j++) {
                sum += table[offset + in[base + j]];
            }
            float inv = 1.0f / (sum * outputScale);
            for (int j = 0; j < rowLength; j++) {
                float p = table[offset + in[base + j]] * inv;
                int q = (int) TfliteMath.roundHalfAway(p) + outputZeroPoint;
                out[base + j] = (byte) Math.max(-128, Math.min(127, q));
            }
        }
    }
}
