package io.bitsweep.eval.data.images;

import io.bitsweep.eval.BitSweepException;
import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A picture size in pixels, written WxH (or N for a square) on the command line. */
public record PixelSize(int width, int height) implements Serializable {
    private static final Pattern FORM = Pattern.compile("(\\d{1,5})(?:x(\\d{1,5}))?");
    private static final int MAX = 16384;

    public PixelSize {
        if (width < 1 || height < 1 || width > MAX || height > MAX) {
            throw new BitSweepException("size " + width + "x" + height + " is out of range (allowed: 1.." + MAX
                    + " on each side)");
        }
    }

    /** N or WxH; {@code option} names the option in errors. */
    public static PixelSize parse(String text, String option) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new BitSweepException(option + " '" + text + "' is not a size (allowed: N or WxH, e.g. 224 or"
                    + " 320x240)");
        }
        int w = Integer.parseInt(m.group(1));
        try {
            return new PixelSize(w, m.group(2) == null ? w : Integer.parseInt(m.group(2)));
        } catch (BitSweepException e) {
            throw new BitSweepException(option + " " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
