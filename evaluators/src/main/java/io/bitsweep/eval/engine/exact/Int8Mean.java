package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ElementGeometry;
import java.util.Arrays;

/**
 * MEAN of an int8 tensor over some axes, as desktop TFLite 2.6.2 (DJL) dispatches it:
 * <ul>
 *   <li>{@link Path#SPATIAL}: a 4-D input reduced over height and width with keep_dims
 *       ({@code reference_integer_ops::Mean}): {@code sum(x - in_zp)} in int32, requantized by
 *       {@code in_scale / out_scale} (double), divided by the count rounding half away from zero, plus
 *       {@code out_zp}. (Not the optimized kernel's single {@code in_scale / (count * out_scale)} multiplier: that
 *       one differs from DJL on most rows of MobileNetV3Small.)</li>
 *   <li>{@link Path#SAME_SCALE}: input and output quantized alike: the integer sum divided by the count in C
 *       (truncating);</li>
 *   <li>{@link Path#FLOAT}: otherwise ({@code QuantizedMeanOrSum}): {@code round(sum / count * s + b) + out_zp}
 *       in float, with {@code s = in_scale / out_scale}, {@code b = -in_zp * s}.</li>
 * </ul>
 */
public final class Int8Mean {
    /** Which of TFLite's three int8 mean kernels runs. */
    public enum Path { SPATIAL, SAME_SCALE, FLOAT }

    private final Path path;
    private final int[] dims;
    private final int[] outStrides;
    private final int count;
    private final int[] sums;
    private final int inputZeroPoint;
    private final int outputZeroPoint;
    private final QuantizedMultiplier multiplier;
    private final RequantRounding rounding;
    private final float scale;
    private final float bias;

    public Int8Mean(int[] inShape, int[] axes, boolean keepDims, float inScale, int inZeroPoint, float outScale,
            int outZeroPoint, RequantRounding rounding) {
        this.dims = ElementGeometry.dims4(inShape);
        this.outStrides = ElementGeometry.reductionStrides(inShape, axes);
        int reduced = 1;
        for (int a : axes) {
            reduced *= inShape[a];
        }
        this.count = reduced;
        this.sums = new int[Arrays.stream(inShape).reduce(1, (a, b) -> a * b) / count];
        this.inputZeroPoint = inZeroPoint;
        this.outputZeroPoint = outZeroPoint;
        this.rounding = rounding;
        this.multiplier = QuantizedMultiplier.of((double) inScale / (double) outScale);
        if (keepDims && inShape.length == 4 && Arrays.equals(axes, new int[] {1, 2})) {
            this.path = Path.SPATIAL;
        } else {
            this.path = inScale == outScale && inZeroPoint == outZeroPoint ? Path.SAME_SCALE : Path.FLOAT;
        }
        this.scale = inScale / outScale;
        this.bias = -inZeroPoint * scale;
    }

    public Path path() {
        return path;
    }

    /** One sample: the input from {@code in[inAt..]}, the means into {@code out[outAt..]}. */
    public void run(byte[] in, int inAt, byte[] out, int outAt) {
        Arrays.fill(sums, 0);
        int i = inAt;
        for (int i0 = 0; i0 < dims[0]; i0++) {
            for (int i1 = 0; i1 < dims[1]; i1++) {
                for (int i2 = 0; i2 < dims[2]; i2++) {
                    int o = i0 * outStrides[0] + i1 * outStrides[1] + i2 * outStrides[2];
                    for (int i3 = 0; i3 < dims[3]; i3++, i++) {
                        sums[o + i3 * outStrides[3]] += in[i];
                    }
                }
            }
        }
        for (int o = 0; o < sums.length; o++) {
            int v = switch (path) {
                case SPATIAL -> {
                    int acc = rounding.apply(sums[o] - count * inputZeroPoint, multiplier.multiplier(),
                            multiplier.shift());
                    yield (acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count) + outputZeroPoint;
                }
                case SAME_SCALE -> sums[o] / count;
                case FLOAT -> {
                    float mean = (float) sums[o] / (float) count;
                    yield (int) (TfliteMath.roundHalfAway(mean * scale + bias) + outputZeroPoint);
                }
            };
            out[outAt + o] = (byte) Math.max(-128, Math.min(127, v));
        }
    }
}
