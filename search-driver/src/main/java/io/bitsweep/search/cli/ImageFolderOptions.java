package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.PixelScaling;
import io.bitsweep.eval.data.images.BadImages;
import io.bitsweep.eval.data.images.ImagePreprocessing;
import io.bitsweep.eval.data.images.PixelSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options of {@code data convert --from image-folder}: the layout (--labels, --classes), the preprocessing (a
 * --preset, each part of which an explicit option overrides) and what bad pictures do.
 */
final class ImageFolderOptions {
    @Option(names = "--labels", paramLabel = "FILE",
            description = "image-folder: the labels file of a flat folder (ImageNet's validation layout): one "
                    + "'<file name> <label>' per line (space, tab or comma; # comments). Without it, --in holds one "
                    + "folder per class.")
    Path labels;

    @Option(names = "--classes", paramLabel = "N",
            description = "image-folder with --labels: the number of classes (default: the largest label + 1).")
    int classes;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "image-folder: preprocessing named after its source (allowed: torchvision-imagenet: resize "
                    + "256, center crop 224, u8/255 then ImageNet mean/std; keras-mobilenet: 224x224, x/127.5 - 1; "
                    + "none, the default: pictures as they are, u8 values 0..255).")
    String preset;

    @Option(names = "--resize", paramLabel = "N|WxH",
            description = "image-folder: resize the shorter side to N (keeping the aspect ratio), or to exactly WxH.")
    String resize;

    @Option(names = "--crop", paramLabel = "N|WxH",
            description = "image-folder: center crop to N x N or WxH: the stored size. Without a resize, smaller "
                    + "pictures are odd-sized (bad).")
    String crop;

    @Option(names = "--divisor", paramLabel = "D",
            description = "image-folder: model input = (u8 / D - mean[c]) / std[c]; D divides first (default: the "
                    + "preset's, else 1).")
    Float divisor;

    @Option(names = "--mean", paramLabel = "R,G,B", description = "image-folder: per-channel mean (default: the "
            + "preset's, else 0,0,0).")
    String mean;

    @Option(names = "--std", paramLabel = "R,G,B", description = "image-folder: per-channel std (default: the "
            + "preset's, else 1,1,1).")
    String std;

    @Option(names = "--grey-to-rgb", description = "image-folder: copy grey pictures into R, G and B (as PIL's "
            + "convert('RGB')) instead of treating them as bad.")
    boolean greyToRgb;

    @Option(names = "--bad-images", paramLabel = "POLICY",
            description = "image-folder: a corrupt, grey or odd-sized picture, or a label for a missing one: error "
                    + "(stop, write nothing; the default) or skip (leave it out, count it and list it on stderr).")
    String badImages;

    /** The preprocessing the options give: the preset's, with each explicit option replacing its part. */
    ImagePreprocessing preprocessing(CommandSpec spec) {
        try {
            String name = preset == null ? "none" : preset;
            ImagePreprocessing base = name.equals("none") ? null : ImagePreprocessing.preset(name);
            int shorter = base == null ? 0 : base.resizeShorter();
            PixelSize resizeTo = base == null ? null : base.resizeTo();
            if (resize != null) {
                PixelSize r = PixelSize.parse(resize, "--resize");
                boolean square = resize.trim().matches("\\d+");
                shorter = square ? r.width() : 0;
                resizeTo = square ? null : r;
            }
            PixelSize cropTo = crop != null ? PixelSize.parse(crop, "--crop") : base == null ? null : base.crop();
            PixelScaling s = base == null ? PixelScaling.uniform(1f, 0f, 1f, 3) : base.scaling();
            PixelScaling scaling = new PixelScaling(divisor != null ? divisor : s.divisor(),
                    mean != null ? rgb(mean, "--mean") : s.mean(), std != null ? rgb(std, "--std") : s.std());
            return new ImagePreprocessing(name, shorter, resizeTo, cropTo, scaling, greyToRgb);
        } catch (BitSweepException e) {
            throw UsageError.of(spec, e.getMessage());
        }
    }

    private static float[] rgb(String text, String option) {
        float[] values = PixelScaling.parseList(text, option);
        if (values.length != 3) {
            throw new BitSweepException(option + " '" + text + "' has " + values.length + " values (allowed: 3, R,G,B)");
        }
        return values;
    }

    BadImages badImages(CommandSpec spec) {
        return badImages == null ? BadImages.ERROR : OptionValues.choice(spec, BadImages.class, badImages,
                "--bad-images");
    }

    /** The image-folder options on the command line, by name: another --from must not have any. */
    List<String> given() {
        List<String> names = new ArrayList<>();
        Object[][] options = {{"--labels", labels}, {"--classes", classes == 0 ? null : classes}, {"--preset", preset},
            {"--resize", resize}, {"--crop", crop}, {"--divisor", divisor}, {"--mean", mean}, {"--std", std},
            {"--grey-to-rgb", greyToRgb ? true : null}, {"--bad-images", badImages}};
        for (Object[] o : options) {
            if (o[1] != null) {
                names.add((String) o[0]);
            }
        }
        return names;
    }
}
