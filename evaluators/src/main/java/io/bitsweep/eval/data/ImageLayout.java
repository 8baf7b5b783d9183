package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pictures converted from an image folder ({@code bitsweep data convert --from image-folder}): each raw sample is
 * u8 HWC pixels of the converted size (resized and cropped on conversion), and {@link PixelScaling} turns them into
 * the model's float inputs on read. Everything needed to read a shard is in {@link #spec()}, which every shard file
 * carries in its metadata, so one shard file is readable on its own (as a Spark executor reads it).
 */
public record ImageLayout(int height, int width, int channels, int classes, PixelScaling scaling)
        implements SampleLayout, Serializable {
    public static final String TASK = "IMAGES";
    private static final Pattern SPEC = Pattern.compile(
            "(\\d{1,5})x(\\d{1,5})x([13]);classes=(\\d{1,7});(divisor=[^;]*;mean=[^;]*;std=[^;]*)");

    public ImageLayout {
        if (height < 1 || width < 1 || (long) height * width * channels > Integer.MAX_VALUE / 4) {
            throw new BitSweepException("image size " + width + "x" + height + " is out of range (allowed: 1..16384 on"
                    + " each side)");
        }
        if (channels != 1 && channels != 3) {
            throw new BitSweepException("images have " + channels + " channels (allowed: 1, 3)");
        }
        if (scaling.channels() != channels) {
            throw new BitSweepException("pixel mean and std have " + scaling.channels() + " values for images with "
                    + channels + " channels (allowed: one per channel)");
        }
        if (classes < 1) {
            throw new BitSweepException("classes " + classes + " must be at least 1");
        }
    }

    /** Rebuilds a layout from its {@link #spec()}; {@code where} names the file in errors. */
    public static ImageLayout parse(String spec, String where) {
        Matcher m = spec == null ? null : SPEC.matcher(spec);
        if (m == null || !m.matches()) {
            throw new BitSweepException(where + ": image layout " + (spec == null ? "is missing" : InputText.quote(spec)
                    + " is not one") + " (allowed: HxWxC;classes=N;divisor=D;mean=M,..;std=S,..)");
        }
        Map<String, String> fields = new HashMap<>();
        for (String kv : m.group(5).split(";")) {
            String[] p = kv.split("=", 2);
            fields.put(p[0], p[1]);
        }
        try {
            return new ImageLayout(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                    new PixelScaling(PixelScaling.parseNumber(fields.get("divisor"), "divisor"),
                            PixelScaling.parseList(fields.get("mean"), "mean"),
                            PixelScaling.parseList(fields.get("std"), "std")));
        } catch (BitSweepException e) {
            throw new BitSweepException(where + ": image layout " + InputText.quote(spec) + ": " + e.getMessage());
        }
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public String spec() {
        return height + "x" + width + "x" + channels + ";classes=" + classes + ";" + scaling.spec();
    }

    @Override
    public TaskKind kind() {
        return TaskKind.IMAGES;
    }

    @Override
    public int sampleBytes() {
        return height * width * channels;
    }

    @Override
    public int inputsPerSample() {
        return 1;
    }

    @Override
    public int[] inputShape() {
        return new int[] {height, width, channels};
    }

    @Override
    public String description() {
        return "u8 " + height + "x" + width + "x" + channels + (channels == 3 ? " RGB" : " grayscale");
    }

    @Override
    public String source() {
        return "image-folder";
    }

    @Override
    public String preprocessing() {
        return scaling.describe();
    }

    @Override
    public void decode(ByteBuffer raw, int window, float[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = scaling.apply(raw.get(i) & 0xff, i % channels);
        }
    }
}
