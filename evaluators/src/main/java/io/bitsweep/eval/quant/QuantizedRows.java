package io.bitsweep.eval.quant;

/**
 * One layer's weights in one integer format, every output channel's row quantized: what a candidate looks up
 * instead of quantizing ({@link WeightRows}).
 *
 * @param length      weights per row (the layer's reduction length)
 * @param codes       channel c's codes at {@code [c * length, (c + 1) * length)}, in the weights' reduction order
 *                    (kh, kw, Cin for a conv; kh, kw for a depthwise conv; inputs for a fully connected layer)
 * @param scales      one scale per channel: weight = code * scale
 * @param outputShift per channel, {@code E[(w_q - w) · x]} over the calibration inputs: how far the quantized row
 *                    moves the channel's mean output; subtracted from the bias by bias correction. Null when the rows
 *                    were made without calibration statistics.
 * @param loss        per channel, the H-weighted error {@code (w_q - w)ᵀ H (w_q - w)} (H dampened for GPTQ rows);
 *                    null without calibration statistics
 */
public record QuantizedRows(int length, int[] codes, float[] scales, double[] outputShift, double[] loss) {

    public int channels() {
        return scales.length;
    }

    /** Approximate heap bytes, for bounded caches. */
    public long bytes() {
        return 64L + 4L * codes.length + 4L * scales.length
                + (outputShift == null ? 0 : 8L * outputShift.length) + (loss == null ? 0 : 8L * loss.length);
    }
}
