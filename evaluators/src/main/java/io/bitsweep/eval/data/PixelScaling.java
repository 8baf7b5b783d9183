package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How a stored u8 pixel value becomes a model input: {@code (u8 / divisor - mean[c]) / std[c]}, computed in float32 in
 * that order. Both named sources compute exactly this, so the floats are theirs bit for bit: torchvision's
 * {@code ToTensor} ({@code u8 / 255}) then {@code Normalize(mean, std)} ({@code (x - mean) / std}), and Keras'
 * {@code preprocess_input} in "tf" mode ({@code x / 127.5 - 1}: divisor 127.5, mean 1, std 1).
 *
 * @param divisor what u8 values are divided by first (1: raw 0..255)
 * @param mean    per channel, subtracted after the division
 * @param std     per channel, divided by last
 */
public record PixelScaling(float divisor, float[] mean, float[] std) implements Serializable {
    public PixelScaling {
        if (!(divisor > 0) || !Float.isFinite(divisor)) {
            throw new BitSweepException("pixel divisor " + divisor + " is not a positive number");
        }
        if (mean.length != std.length) {
            throw new BitSweepException("pixel mean has " + mean.length + " values but std has " + std.length
                    + " (allowed: one per channel)");
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new BitSweepException("pixel std " + Arrays.toString(std) + " has a value that is not a positive"
                        + " number");
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw new BitSweepException("pixel mean " + Arrays.toString(mean) + " has a value that is not finite");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The same mean and std for every channel. */
    public static PixelScaling uniform(float divisor, float mean, float std, int channels) {
        float[] m = new float[channels];
        float[] s = new float[channels];
        Arrays.fill(m, mean);
        Arrays.fill(s, std);
        return new PixelScaling(divisor, m, s);
    }

    public int channels() {
        return mean.length;
    }

    /** The model input for stored value {@code u8} (0..255) of channel {@code c}. */
    public float apply(int u8, int c) {
        return ((u8 / divisor) - mean[c]) / std[c];
    }

    /** In words, for manifests: e.g. "(u8 / 255 - mean[c]) / std[c], mean 0.485,0.456,0.406, std 0.229,0.224,0.225". */
    public String describe() {
        return "(u8 / " + number(divisor) + " - mean[c]) / std[c], mean " + list(mean) + ", std " + list(std);
    }

    /** divisor=..;mean=a,b,c;std=a,b,c: every float printed so that it parses back to the same bits. */
    String spec() {
        return "divisor=" + number(divisor) + ";mean=" + list(mean) + ";std=" + list(std);
    }

    static String list(float[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(number(values[i]));
        }
        return b.toString();
    }

    /** Float.toString, which round-trips, without a ".0" on whole numbers. */
    private static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e7f ? Integer.toString((int) v) : Float.toString(v);
    }

    /** Parses a comma-separated list of floats; {@code what} names the field in errors. */
    public static float[] parseList(String text, String what) {
        List<String> parts = Arrays.asList(text.split(",", -1));
        float[] out = new float[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = parseNumber(parts.get(i).trim(), what);
        }
        return out;
    }

    static float parseNumber(String text, String what) {
        try {
            float v = Float.parseFloat(text);
            if (Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BitSweepException(what + " '" + text + "' is not a number");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelScaling p && Float.compare(divisor, p.divisor) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Float.hashCode(divisor) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return spec();
    }
}
