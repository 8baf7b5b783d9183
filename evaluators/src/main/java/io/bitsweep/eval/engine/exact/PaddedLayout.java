package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;

/**
 * Where the pixels of a batch of NHWC images sit in a padded copy whose border is wide enough for every tap of
 * every output pixel of a sliding window: each image is {@link #height()} × {@link #width()} pixels with the
 * input at row {@code padTop}, column {@code padLeft}. Every tap of every output pixel is then a plain offset,
 * {@link #pixels}{@code [m]} + {@link #taps}{@code [t]} (in pixels): no bounds test in any inner loop.
 */
final class PaddedLayout {
    private final ConvGeometry g;
    private final int height;
    private final int width;

    PaddedLayout(ConvGeometry g) {
        this.g = g;
        int lastRow = (g.outH() - 1) * g.strideH() + (g.kH() - 1) * g.dilationH() - g.padTop();
        int lastCol = (g.outW() - 1) * g.strideW() + (g.kW() - 1) * g.dilationW() - g.padLeft();
        this.height = g.padTop() + Math.max(g.inH(), lastRow + 1);
        this.width = g.padLeft() + Math.max(g.inW(), lastCol + 1);
    }

    ConvGeometry geometry() {
        return g;
    }

    int height() {
        return height;
    }

    int width() {
        return width;
    }

    /** Padded pixels per image. */
    int imagePixels() {
        return height * width;
    }

    /** The padded index of input pixel (y, x) of image {@code image}. */
    int pixel(int image, int y, int x) {
        return (image * height + y + g.padTop()) * width + x + g.padLeft();
    }

    /** Per output pixel of {@code images} images (image-major, then row, then column): the index of its tap (0, 0). */
    int[] pixels(int images) {
        int perImage = g.outH() * g.outW();
        int[] pixels = new int[images * perImage];
        for (int n = 0; n < images; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    pixels[n * perImage + oy * g.outW() + ox] = (n * height + oy * g.strideH()) * width
                            + ox * g.strideW();
                }
            }
        }
        return pixels;
    }

    /** Per tap (ky, kx), row-major: its index from the pixel's tap (0, 0). */
    int[] taps() {
        int[] taps = new int[g.kH() * g.kW()];
        for (int ky = 0; ky < g.kH(); ky++) {
            for (int kx = 0; kx < g.kW(); kx++) {
                taps[ky * g.kW() + kx] = ky * g.dilationH() * width + kx * g.dilationW();
            }
        }
        return taps;
    }

    /** {@code indices} times {@code scale}: pixel indices as offsets into rows of {@code scale} elements. */
    static int[] scaled(int[] indices, int scale) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = indices[i] * scale;
        }
        return out;
    }
}
