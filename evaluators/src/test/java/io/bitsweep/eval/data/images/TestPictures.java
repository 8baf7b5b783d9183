package io.bitsweep.eval.data.images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Generated pictures for tests, from a fixed seed: smooth colour gradients plus noise, written with javax.imageio. */
public final class TestPictures {
    private TestPictures() {}

    /** A w x h RGB picture drawn from {@code seed}. */
    public static BufferedImage rgb(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] base = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
        int[] dx = {r.nextInt(-6, 7), r.nextInt(-6, 7), r.nextInt(-6, 7)};
        int[] dy = {r.nextInt(-6, 7), r.nextInt(-6, 7), r.nextInt(-6, 7)};
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    int v = Math.floorMod(base[c] + dx[c] * x + dy[c] * y + r.nextInt(-8, 9), 256);
                    rgb = rgb << 8 | v;
                }
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A w x h grey picture (TYPE_BYTE_GRAY) drawn from {@code seed}. */
    public static BufferedImage grey(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        return img;
    }

    public static Path write(BufferedImage img, String format, Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no javax.imageio writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code perClass} w x h JPEGs in each of {@code classes} class folders (class-00, class-01, ...) under dir; the
     * files in sample order (class, then name).
     */
    public static List<Path> classFolders(Path dir, int classes, int perClass, int w, int h, long seed) {
        List<Path> files = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                Path f = dir.resolve(String.format("class-%02d/img-%05d.jpg", c, i));
                files.add(write(rgb(w, h, seed * 1_000_003L + c * 10_007L + i), "jpg", f));
            }
        }
        return files;
    }

    /** The exact u8 RGB HWC pixels javax.imageio decodes from a file: what a converted sample holds without resize. */
    public static byte[] decodedPixels(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            byte[] hwc = new byte[img.getWidth() * img.getHeight() * 3];
            for (int y = 0, i = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++, i += 3) {
                    int rgb = img.getRGB(x, y);
                    hwc[i] = (byte) (rgb >> 16);
                    hwc[i + 1] = (byte) (rgb >> 8);
                    hwc[i + 2] = (byte) rgb;
                }
            }
            return hwc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
