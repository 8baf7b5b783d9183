package io.bitsweep.eval.data.images;

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
 * with Pillow's antialiased bilinear filter ({@link BilinearResize}, what torchvision's Resize does to PIL images)
 * and center-cropped with torchvision's offsets. A file javax.imageio cannot
 * decode, or decodes with a warning (e.g. a truncated JPEG, which it would otherwise fill with grey), a grey picture
 * without {@code greyToRgb} and a picture smaller than an unresized crop are {@link BadImageException}s.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /** The stored pixels of the picture in {@code bytes}; {@code file} names it in errors. */
    public static byte[] decode(byte[] bytes, String file, ImagePreprocessing p) {
        BufferedImage image = read(bytes, file);
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] rgb = rgbPixels(image, file, p.greyToRgb());
        int[] size = resizedSize(w, h, p);
        byte[] resized = size[0] == w && size[1] == h ? rgb : BilinearResize.resize(rgb, w, h, size[0], size[1]);
        PixelSize out = p.outputSize();
        if (size[0] < out.width() || size[1] < out.height()) {
            throw new BadImageException(file + ": odd-sized picture " + w + "x" + h + " is smaller than the crop " + out
                    + " (no --resize)");
        }
        // torchvision's CenterCrop: int(round((size - crop) / 2.0)), Python's round halves to even
        int left = (int) Math.rint((size[0] - out.width()) / 2.0);
        int top = (int) Math.rint((size[1] - out.height()) / 2.0);
        byte[] hwc = new byte[out.width() * out.height() * 3];
        for (int y = 0; y < out.height(); y++) {
            System.arraycopy(resized, ((top + y) * size[0] + left) * 3, hwc, y * out.width() * 3, out.width() * 3);
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

    /** The picture as u8 HWC RGB with its exact values: alpha dropped, grey copied to R, G and B. */
    private static byte[] rgbPixels(BufferedImage image, String file, boolean greyToRgb) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getColorSpace().getNumComponents() == 1;
        if (grey && !greyToRgb) {
            throw new BadImageException(file + ": grey picture (" + w + "x" + h + "; allowed: RGB, or use"
                    + " --grey-to-rgb)");
        }
        byte[] hwc = new byte[w * h * 3];
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
            for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                hwc[i] = (byte) (row[x] >> 16);
                hwc[i + 1] = (byte) (row[x] >> 8);
                hwc[i + 2] = (byte) row[x];
            }
        }
        return hwc;
    }

    /** The size after the resize: torchvision's Resize(N) (shorter side N, longer int(N * long / short)) or WxH. */
    private static int[] resizedSize(int w, int h, ImagePreprocessing p) {
        if (p.resizeShorter() > 0) {
            int s = p.resizeShorter();
            return w <= h ? new int[] {s, (int) ((long) s * h / w)} : new int[] {(int) ((long) s * w / h), s};
        }
        if (p.resizeTo() != null) {
            return new int[] {p.resizeTo().width(), p.resizeTo().height()};
        }
        return new int[] {w, h};
    }

    private static String oneLine(String s) {
        return io.bitsweep.eval.InputText.oneLine(s);
    }
}
