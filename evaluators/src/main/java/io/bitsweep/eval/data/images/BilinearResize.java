package io.bitsweep.eval.data.images;

/**
 * The antialiased bilinear resize of Pillow ({@code Image.resize(size, Image.BILINEAR)}, its Resample.c), which
 * torchvision's {@code Resize} applies to PIL images, byte for byte on u8 RGB: a triangle filter whose support widens
 * with the downscale factor, weights normalised per output pixel and rounded to 22-bit fixed point, a horizontal pass
 * into a u8 image, then a vertical pass, each rounding half up and clamping to 0..255. Measured against Pillow 12.3 on
 * generated 500x375 and 375x500 JPEGs resized to 341x256 / 256x341: every byte equal (docs/DATA.md).
 */
final class BilinearResize {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private BilinearResize() {}

    /** u8 HWC RGB pixels of w x h resized to tw x th. */
    static byte[] resize(byte[] hwc, int w, int h, int tw, int th) {
        Coefficients horizontal = new Coefficients(w, tw);
        Coefficients vertical = new Coefficients(h, th);
        // Pillow's horizontal pass only computes the rows the vertical pass reads
        int firstRow = vertical.min[0];
        int lastRow = vertical.min[th - 1] + vertical.count[th - 1];
        byte[] tmp = hwc;
        int tmpRows = h;
        int rowShift = 0;
        if (tw != w) {
            tmpRows = lastRow - firstRow;
            tmp = new byte[tw * tmpRows * 3];
            for (int y = 0; y < tmpRows; y++) {
                for (int x = 0; x < tw; x++) {
                    for (int c = 0; c < 3; c++) {
                        long ss = 1L << (PRECISION_BITS - 1);
                        for (int k = 0; k < horizontal.count[x]; k++) {
                            ss += (long) (hwc[((y + firstRow) * w + horizontal.min[x] + k) * 3 + c] & 0xff)
                                    * horizontal.weights[x][k];
                        }
                        tmp[(y * tw + x) * 3 + c] = clip8(ss);
                    }
                }
            }
            rowShift = firstRow;
        }
        if (th == h) {
            return tmp;
        }
        byte[] out = new byte[tw * th * 3];
        for (int y = 0; y < th; y++) {
            int first = vertical.min[y] - rowShift;
            for (int x = 0; x < tw; x++) {
                for (int c = 0; c < 3; c++) {
                    long ss = 1L << (PRECISION_BITS - 1);
                    for (int k = 0; k < vertical.count[y]; k++) {
                        ss += (long) (tmp[((first + k) * tw + x) * 3 + c] & 0xff) * vertical.weights[y][k];
                    }
                    out[(y * tw + x) * 3 + c] = clip8(ss);
                }
            }
        }
        return out;
    }

    private static byte clip8(long ss) {
        long v = ss >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /** Per output pixel: the first input pixel, how many it reads, and their fixed-point weights. */
    private static final class Coefficients {
        final int[] min;
        final int[] count;
        final int[][] weights;

        Coefficients(int inSize, int outSize) {
            min = new int[outSize];
            count = new int[outSize];
            weights = new int[outSize][];
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(1.0, scale);
            double support = filterScale; // the triangle's support is 1, widened by the downscale factor
            double ss = 1.0 / filterScale; // Pillow multiplies by the reciprocal: the same doubles, the same weights
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int lo = Math.max(0, (int) (center - support + 0.5));
                int hi = Math.min(inSize, (int) (center + support + 0.5));
                double[] w = new double[hi - lo];
                double sum = 0;
                for (int k = 0; k < w.length; k++) {
                    double d = Math.abs((k + lo - center + 0.5) * ss);
                    w[k] = d < 1.0 ? 1.0 - d : 0.0;
                    sum += w[k];
                }
                int[] fixed = new int[w.length];
                for (int k = 0; k < w.length; k++) {
                    double v = sum != 0.0 ? w[k] / sum : w[k];
                    fixed[k] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
                }
                min[o] = lo;
                count[o] = w.length;
                weights[o] = fixed;
            }
        }
    }
}
