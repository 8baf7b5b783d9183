package io.bitsweep.eval.data.images;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.ImageLayout;
import io.bitsweep.eval.data.PixelScaling;
import java.io.Serializable;
import java.util.List;

/**
 * How a picture becomes a stored sample and then a model input. The geometric part runs once, on conversion, and
 * gives u8 RGB pixels of one size: resize with Pillow's bilinear filter (the shorter side to N keeping the aspect
 * ratio, as torchvision's {@code Resize(N)}, or to exactly WxH, as Keras' {@code load_img(target_size=...)}), then a
 * center crop. The value
 * part ({@link PixelScaling}) runs on read, at the model input, so shards stay u8.
 *
 * @param preset        the preset these values started from (for the manifest), or "none"
 * @param resizeShorter the shorter side after resizing (0: not this kind of resize)
 * @param resizeTo      the exact size after resizing (null: not this kind of resize)
 * @param crop          the center crop (null: none)
 * @param scaling       u8 to model input
 * @param greyToRgb     grey pictures are copied into the three channels (PIL's convert('RGB'), which torchvision's
 *                      ImageFolder applies) instead of being bad images
 */
public record ImagePreprocessing(String preset, int resizeShorter, PixelSize resizeTo, PixelSize crop,
                                 PixelScaling scaling, boolean greyToRgb) implements Serializable {
    /** ImageNet means and standard deviations as torchvision's reference scripts give them. */
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final int CHANNELS = 3;
    public static final List<String> PRESETS = List.of("torchvision-imagenet", "keras-mobilenet", "none");

    public ImagePreprocessing {
        if (resizeShorter < 0 || resizeShorter > 16384) {
            throw new BitSweepException("--resize " + resizeShorter + " is out of range (allowed: 1..16384)");
        }
        if (resizeShorter > 0 && resizeTo != null) {
            throw new BitSweepException("give one resize: the shorter side (N) or an exact size (WxH)");
        }
        if (crop == null && resizeTo == null) {
            throw new BitSweepException("the stored picture size is not fixed: give --crop N|WxH (images of another"
                    + " size are then cropped, or odd-sized when smaller), or --resize WxH, or a --preset");
        }
        if (crop != null && resizeShorter > 0 && Math.min(crop.width(), crop.height()) > resizeShorter) {
            throw new BitSweepException("--crop " + crop + " does not fit in pictures resized to a shorter side of "
                    + resizeShorter);
        }
        if (crop != null && resizeTo != null && (crop.width() > resizeTo.width() || crop.height() > resizeTo.height())) {
            throw new BitSweepException("--crop " + crop + " does not fit in pictures resized to " + resizeTo);
        }
        if (scaling.channels() != CHANNELS) {
            throw new BitSweepException("--mean and --std need " + CHANNELS + " values (R,G,B), got "
                    + scaling.channels());
        }
    }

    /**
     * A preset, named after its source:
     * <ul>
     * <li>{@code torchvision-imagenet}: {@code Resize(256)}, {@code CenterCrop(224)}, {@code ToTensor()},
     * {@code Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])} (torchvision's ImageNet
     * evaluation recipe);</li>
     * <li>{@code keras-mobilenet}: 224x224 ({@code load_img(target_size=(224, 224), interpolation='bilinear')}), then
     * {@code mobilenet.preprocess_input} ("tf" mode: {@code x / 127.5 - 1});</li>
     * <li>{@code none}: no resize or crop, u8 values as they are (divisor 1, mean 0, std 1); --crop is then needed.</li>
     * </ul>
     */
    public static ImagePreprocessing preset(String name) {
        return switch (name) {
            case "torchvision-imagenet" -> new ImagePreprocessing(name, 256, null, new PixelSize(224, 224),
                    new PixelScaling(255f, IMAGENET_MEAN, IMAGENET_STD), false);
            case "keras-mobilenet" -> new ImagePreprocessing(name, 0, new PixelSize(224, 224), null,
                    PixelScaling.uniform(127.5f, 1f, 1f, CHANNELS), false);
            default -> throw new BitSweepException("--preset '" + name + "' is not a preset (allowed: "
                    + String.join(", ", PRESETS) + ")");
        };
    }

    /** The stored picture size: the crop, else the exact resize. */
    public PixelSize outputSize() {
        return crop != null ? crop : resizeTo;
    }

    public ImageLayout layout(int classes) {
        PixelSize s = outputSize();
        return new ImageLayout(s.height(), s.width(), CHANNELS, classes, scaling);
    }

    /** In words, for the manifest: the preset, the conversion, the model input. */
    public String describe() {
        StringBuilder b = new StringBuilder(preset).append(": ");
        if (resizeShorter > 0) {
            b.append("resize shorter side to ").append(resizeShorter).append(", PIL bilinear, ");
        } else if (resizeTo != null) {
            b.append("resize to ").append(resizeTo).append(", PIL bilinear, ");
        }
        if (crop != null) {
            b.append(resizeShorter > 0 || resizeTo != null ? "center crop " : "center crop (no resize) ").append(crop)
                    .append(", ");
        }
        b.append(greyToRgb ? "grey copied to RGB, " : "");
        return b.append("stored u8 RGB; model input ").append(scaling.describe()).toString();
    }
}
