package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ElementGeometry;
import java.util.Arrays;

/**
 * CONCATENATION of int8 tensors along one axis. An input quantized as the output is copied (TFLite's int8 kernel,
 * which requires that of every input); another is requantized on the way, {@code (x - zp_in)} times
 * {@code in_scale / out_scale} (computed in double) plus the output zero point, as QUANTIZE requantizes.
 */
public final class Int8Concatenation {
    private final int outer;
    private final int[] chunks;
    private final QuantizedMultiplier[] multipliers;
    private final int[] inputZeroPoints;
    private final int outputZeroPoint;
    private final RequantRounding rounding;

    public Int8Concatenation(int[][] inShapes, int axis, float[] inScales, int[] inZeroPoints, float outScale,
            int outZeroPoint, RequantRounding rounding) {
        this.outer = ElementGeometry.outer(inShapes[0], axis);
        this.chunks = Arrays.stream(inShapes).mapToInt(s -> ElementGeometry.chunk(s, axis)).toArray();
        this.multipliers = new QuantizedMultiplier[inShapes.length];
        for (int k = 0; k < inShapes.length; k++) {
            boolean same = inScales[k] == outScale && inZeroPoints[k] == outZeroPoint;
            multipliers[k] = same ? null : QuantizedMultiplier.of((double) inScales[k] / outScale);
        }
        this.inputZeroPoints = inZeroPoints.clone();
        this.outputZeroPoint = outZeroPoint;
        this.rounding = rounding;
    }

    /** One sample: input k from {@code ins[k][at[k]..]}, the concatenation into {@code out[outAt..]}. */
    public void run(byte[][] ins, int[] at, byte[] out, int outAt) {
        int o = outAt;
        for (int r = 0; r < outer; r++) {
            for (int k = 0; k < ins.length; k++) {
                int n = chunks[k];
                QuantizedMultiplier m = multipliers[k];
                if (m == null) {
                    System.arraycopy(ins[k], at[k] + r * n, out, o, n);
                } else {
                    for (int j = 0; j < n; j++) {
                        int v = rounding.apply(ins[k][at[k] + r * n + j] - inputZeroPoints[k], m.multiplier(), m.shift())
                                + outputZeroPoint;
                        out[o + j] = (byte) Math.max(-128, Math.min(127, v));
                    }
                }
                o += n;
            }
        }
    }
}
