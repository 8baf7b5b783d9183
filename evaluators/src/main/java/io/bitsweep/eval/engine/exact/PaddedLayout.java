package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;

/**
 * Where the pixels of a batch of NHWC images sit in a padded copy whose border is wide enough for every tap of
 * every output pixel of a sliding window: each image is {@link #height()} × {@link #width()} pixels with the
 * input at row {@link #top()}, column {@link #left()} (the window's own padding, or more where the copy is shared
 * with other windows over the same input, {@link #covering}). Every tap of every output pixel is then a plain
 * offset, {@link #pixels}{@code [m]} + {@link #taps}{@code [t]} (in pixels): no bounds test in any inner loop.
 */
final class PaddedLayout {
    private final ConvGeometry g;
    private final int top;
    private final int left;
    private final int height;
    private final int width;

    PaddedLayout(ConvGeometry g) {
        this(g, g.padTop(), g.padLeft(), g.padTop() + rowsBelowTop(g), g.padLeft() + columnsRightOfLeft(g));
    }

    private PaddedLayout(ConvGeometry g, int top, int left, int height, int width) {
        this.g = g;
        this.top = top;
        this.left = left;
        this.height = height;
        this.width = width;
    }

    /**
     * One padded copy for several windows over the same input: the widest border any of them needs on each side.
     * Read it with {@link #readBy}.
     */
    static PaddedLayout covering(java.util.List<ConvGeometry> windows) {
        ConvGeometry first = windows.get(0);
        int top = 0;
        int left = 0;
        int below = 0;
        int right = 0;
        for (ConvGeometry w : windows) {
            if (w.inH() != first.inH() || w.inW() != first.inW() || w.inC() != first.inC()) {
                throw new IllegalArgumentException("padded layout: windows over different inputs");
            }
            top = Math.max(top, w.padTop());
            left = Math.max(left, w.padLeft());
            below = Math.max(below, rowsBelowTop(w));
            right = Math.max(right, columnsRightOfLeft(w));
        }
        return new PaddedLayout(first, top, left, top + below, left + right);
    }

    /** This copy read by window {@code w} (over the same input, and within {@link #covering}'s border). */
    PaddedLayout readBy(ConvGeometry w) {
        if (w.padTop() > top || w.padLeft() > left || rowsBelowTop(w) > height - top
                || columnsRightOfLeft(w) > width - left) {
            throw new IllegalArgumentException("padded layout: a window reads past the copy's border");
        }
        return new PaddedLayout(w, top, left, height, width);
    }

    /** Rows from the input's first row to the last one any tap reads (input or padding). */
    private static int rowsBelowTop(ConvGeometry g) {
        int lastRow = (g.outH() - 1) * g.strideH() + (g.kH() - 1) * g.dilationH() - g.padTop();
        return Math.max(g.inH(), lastRow + 1);
    }

    private static int columnsRightOfLeft(ConvGeometry g) {
        int lastCol = (g.outW() - 1) * g.strideW() + (g.kW() - 1) * g.dilationW() - g.padLeft();
        return Math.max(g.inW(), lastCol + 1);
    }

    ConvGeometry geometry() {
        return g;
    }

    /** The padded row and column of the input's pixel (0, 0). */
    int top() {
        return top;
    }

    int left() {
        return left;
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
        return (image * height + y + top) * width + x + left;
    }

    /** Per output pixel of {@code images} images (image-major, then row, then column): the index of its tap (0, 0). */
    int[] pixels(int images) {
        int perImage = g.outH() * g.outW();
        int rowAt = top - g.padTop();
        int columnAt = left - g.padLeft();
        int[] pixels = new int[images * perImage];
        for (int n = 0; n < images; n++) {
            for (int oy = 0; oy < g.outH(); oy++) {
                for (int ox = 0; ox < g.outW(); ox++) {
                    pixels[n * perImage + oy * g.outW() + ox] = (n * height + rowAt + oy * g.strideH()) * width
                            + columnAt + ox * g.strideW();
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
