package io.bitsweep.eval.data.images;

import com.twelvemonkeys.image.ResampleOp;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * One picture file to stored u8 RGB HWC pixels: decoded by javax.imageio (JPEG, PNG, BMP, GIF), made RGB, resized
 * by TwelveMonkeys' {@link ResampleOp} with the triangle (bilinear) filter, which widens with the downscale factor
 * as PIL's antialiased bilinear does, and center-cropped with torchvision's offsets. A file javax.imageio cannot
 * decode, or decodes with a warning (e.g. a truncated JPEG, which it would otherwise fill with grey), a grey picture
 * without {@code greyToRgb} and a picture smaller than an unresized crop are {@link BadImageException}s.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** The stored pixels of the picture in {@code bytes}; {@code file} names it in errors. */
    public static byte[] decode(byte[] bytes, String file, ImagePreprocessing p) {
        BufferedImage rgb = toRgb(read(bytes, file), file, p.greyToRgb());
        BufferedImage resized = resize(rgb, p);
        PixelSize out = p.outputSize();
        if (resized.getWidth() < out.width() || resized.getHeight() < out.height()) {
            throw new BadImageException(file + ": odd-sized picture " + rgb.getWidth() + "x" + rgb.getHeight()
                    + " is smaller than the crop " + out + " (no --resize)");
        }
        // torchvision's CenterCrop: int(round((size - crop) / 2.0)), Python's round halves to even
        int left = (int) Math.rint((resized.getWidth() - out.width()) / 2.0);
        int top = (int) Math.rint((resized.getHeight() - out.height()) / 2.0);
        byte[] hwc = new byte[out.width() * out.height() * 3];
        int[] row = new int[out.width()];
        for (int y = 0; y < out.height(); y++) {
            resized.getRGB(left, top + y, out.width(), 1, row, 0, out.width());
            for (int x = 0; x < out.width(); x++) {
                int i = (y * out.width() + x) * 3;
                hwc[i] = (byte) (row[x] >> 16);
                hwc[i + 1] = (byte) (row[x] >> 8);
                hwc[i + 2] = (byte) row[x];
            }
        }
        return hwc;
    }

    private static BufferedImage read(byte[] bytes, String file) {
        // in memory: ImageIO.createImageInputStream would cache the stream in a temp file per picture
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImageException(file + ": corrupt or not a picture (no javax.imageio reader recognises"
                        + " its " + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            String[] warning = new String[1];
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener((source, message) -> warning[0] = message);
                BufferedImage image = reader.read(0);
                if (warning[0] != null) {
                    throw new BadImageException(file + ": corrupt picture (" + oneLine(warning[0]) + ")");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadImageException b) {
                throw b;
            }
            throw new BadImageException(file + ": corrupt picture (" + oneLine(String.valueOf(e.getMessage())) + ")",
                    e);
        }
    }

    /** The picture as TYPE_INT_RGB with its exact u8 values: alpha dropped, grey copied to R, G and B. */
    private static BufferedImage toRgb(BufferedImage image, String file, boolean greyToRgb) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getColorSpace().getNumComponents() == 1;
        if (grey && !greyToRgb) {
            throw new BadImageException(file + ": grey picture (" + w + "x" + h + "; allowed: RGB, or use"
                    + " --grey-to-rgb)");
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            if (grey) {
                // the stored sample values, not getRGB's: Java's grey colour space is linear, so getRGB would
                // apply a gamma curve that PIL's convert('RGB') does not
                raster.getSamples(0, y, w, 1, 0, row);
                int shift = raster.getSampleModel().getSampleSize(0) - 8;
                for (int x = 0; x < w; x++) {
                    int v = shift > 0 ? row[x] >> shift : row[x];
                    row[x] = v << 16 | v << 8 | v;
                }
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
            }
            rgb.setRGB(0, y, w, 1, row, 0, w);
        }
        return rgb;
    }

    private static BufferedImage resize(BufferedImage rgb, ImagePreprocessing p) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int tw;
        int th;
        if (p.resizeShorter() > 0) {
            // torchvision's Resize(N): the shorter side becomes N, the longer int(N * long / short)
            int s = p.resizeShorter();
            tw = w <= h ? s : (int) ((long) s * w / h);
            th = w <= h ? (int) ((long) s * h / w) : s;
        } else if (p.resizeTo() != null) {
            tw = p.resizeTo().width();
            th = p.resizeTo().height();
        } else {
            return rgb;
        }
        if (tw == w && th == h) {
            return rgb;
        }
        return new ResampleOp(Math.max(1, tw), Math.max(1, th), ResampleOp.FILTER_TRIANGLE).filter(rgb, null);
    }

    private static String oneLine(String s) {
        return io.bitsweep.eval.io.InputText.oneLine(s);
    }
}
