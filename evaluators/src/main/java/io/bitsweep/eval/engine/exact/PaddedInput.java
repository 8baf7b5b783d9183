package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input of a sliding-window layer as its kernels read it: a batch of NHWC int8 images copied into a
 * {@link PaddedLayout}, the border filled with the zero point (real 0, so a tap in the padding adds exactly nothing,
 * as TFLite's skipped taps), and channels padded to a multiple of {@code channelMultiple} (extra channels hold real
 * 0; their weights are 0). Every tap of every output pixel is then a plain offset, {@link #pixels()}{@code [m]} +
 * {@link #taps()}{@code [t]} (in elements): no bounds test in any inner loop.
 *
 * <p>Codes are stored in one of two {@link Form}s.
 */
final class PaddedInput {
    /** How codes are stored. */
    enum Form {
        /** Bytes {@code q + 128} (the byte {@code q ^ 0x80}): the unsigned operand of the int8 GEMMs (VNNI multiplies unsigned by signed bytes). */
        UNSIGNED_BYTES,
        /** Ints {@code q - zp} (the border is 0): operands ready for int lanes, widened once per element. */
        CENTERED_INTS
    }

    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /** Elements after the last image, so that kernels may load a whole vector from any pixel. */
    static final int SLACK = 64;

    private final PaddedLayout layout;
    private final ConvGeometry g;
    private final int channels;
    private final Form form;
    private final int zeroPoint;
    private final byte[] bytes;
    private final int[] ints;
    private final int[] pixels;
    private final int[] taps;
    /** Spreads a vector's worth of whole pixels to {@link #channels} bytes each, or null where that does not apply. */
    private final PixelSpread spread;

    /**
     * @param capacity images per batch at most
     */
    PaddedInput(ConvGeometry g, int channelMultiple, int zeroPoint, Form form, int capacity) {
        this.layout = new PaddedLayout(g);
        this.g = g;
        this.channels = Int8Conv2d.ceilTo(g.inC(), channelMultiple);
        this.form = form;
        this.zeroPoint = zeroPoint;
        int size = capacity * layout.imagePixels() * channels;
        if (form == Form.UNSIGNED_BYTES) {
            this.ints = null;
            this.bytes = new byte[size + SLACK];
            byte[] pixel = new byte[channels];
            Arrays.fill(pixel, (byte) 0x80); // padding channels: code 0
            Arrays.fill(pixel, 0, g.inC(), (byte) (zeroPoint ^ 0x80));
            fillRepeating(bytes, size, pixel);
        } else {
            this.bytes = null;
            this.ints = new int[size + SLACK];
        }
        this.pixels = PaddedLayout.scaled(layout.pixels(capacity), channels);
        this.spread = form == Form.UNSIGNED_BYTES && channels != g.inC() && B.length() % channels == 0
                ? new PixelSpread(g.inC(), channels) : null;
        this.taps = PaddedLayout.scaled(layout.taps(), channels);
    }

    /**
     * Fills {@code a[0, size)} with copies of {@code pattern} by doubling copies: a search compiles a program per
     * candidate, task and racing stage, and filling element by element (a division per byte for the channel) cost
     * as much CPU as the inferences on VWW's MobileNet.
     */
    private static void fillRepeating(byte[] a, int size, byte[] pattern) {
        int filled = Math.min(pattern.length, size);
        System.arraycopy(pattern, 0, a, 0, filled);
        while (filled < size) {
            int n = Math.min(filled, size - filled);
            System.arraycopy(a, 0, a, filled, n);
            filled += n;
        }
    }

    /** Copies {@code n} images of {@code in} (NHWC, batch-contiguous) into the interior; the border is never written. */
    void fill(byte[] in, int n) {
        final int inC = g.inC();
        final int rowBytes = g.inW() * inC;
        for (int img = 0; img < n; img++) {
            for (int y = 0; y < g.inH(); y++) {
                int from = (img * g.inH() + y) * rowBytes;
                int to = layout.pixel(img, y, 0) * channels;
                if (channels != inC) {
                    int x = spread == null ? 0 : spread.row(in, from, bytes, to, g.inW());
                    for (; x < g.inW(); x++) {
                        for (int c = 0; c < inC; c++) {
                            store(to + x * channels + c, in[from + x * inC + c]);
                        }
                    }
                } else if (form == Form.UNSIGNED_BYTES) {
                    flipRow(in, from, to, rowBytes);
                } else {
                    centerRow(in, from, to, rowBytes);
                }
            }
        }
    }

    /**
     * Copies pixels of {@code inC} codes to pixels of {@code channels} bytes ({@code q + 128}, padding channels code 0)
     * a vector at a time, by one byte shuffle: a model's first conv reads 3-channel images padded to 4, and copying
     * those element by element cost more than the whole int8 GEMM on VWW's 96x96 input.
     */
    private static final class PixelSpread {
        private final int inC;
        private final int channels;
        private final int perVector;
        private final VectorShuffle<Byte> shuffle;
        private final VectorMask<Byte> source;
        private final VectorMask<Byte> padding;

        PixelSpread(int inC, int channels) {
            this.inC = inC;
            this.channels = channels;
            this.perVector = B.length() / channels;
            int[] from = new int[B.length()];
            boolean[] pad = new boolean[B.length()];
            for (int lane = 0; lane < B.length(); lane++) {
                int c = lane % channels;
                pad[lane] = c >= inC;
                from[lane] = pad[lane] ? 0 : lane / channels * inC + c;
            }
            this.shuffle = VectorShuffle.fromArray(B, from, 0);
            this.source = B.indexInRange(0, perVector * inC);
            this.padding = VectorMask.fromArray(B, pad, 0);
        }

        /** Spreads the row's whole vectors of pixels; returns the first pixel left for the caller. */
        int row(byte[] in, int from, byte[] out, int to, int width) {
            int x = 0;
            for (; x + perVector <= width; x += perVector) {
                ByteVector.fromArray(B, in, from + x * inC, source).rearrange(shuffle)
                        .lanewise(VectorOperators.XOR, (byte) 0x80).blend((byte) 0x80, padding)
                        .intoArray(out, to + x * channels);
            }
            return x;
        }
    }

    private void store(int at, byte q) {
        if (form == Form.UNSIGNED_BYTES) {
            bytes[at] = (byte) (q ^ 0x80);
        } else {
            ints[at] = q - zeroPoint;
        }
    }

    private void flipRow(byte[] in, int from, int to, int n) {
        int i = 0;
        for (int end = B.loopBound(n); i < end; i += B.length()) {
            ByteVector.fromArray(B, in, from + i).lanewise(VectorOperators.XOR, (byte) 0x80).intoArray(bytes, to + i);
        }
        for (; i < n; i++) {
            store(to + i, in[from + i]);
        }
    }

    private void centerRow(byte[] in, int from, int to, int n) {
        int i = 0;
        for (int end = B16.loopBound(n); i < end; i += B16.length()) {
            ((IntVector) ByteVector.fromArray(B16, in, from + i).convertShape(VectorOperators.B2I, I, 0))
                    .sub(zeroPoint).intoArray(ints, to + i);
        }
        for (; i < n; i++) {
            store(to + i, in[from + i]);
        }
    }

    /** The codes in {@link Form#UNSIGNED_BYTES}. */
    byte[] bytes() {
        return bytes;
    }

    /** The codes in {@link Form#CENTERED_INTS}. */
    int[] ints() {
        return ints;
    }

    /** Per output pixel of the batch (image-major, then row, then column): the offset of its tap (0, 0). */
    int[] pixels() {
        return pixels;
    }

    /** Per tap (ky, kx), row-major: its offset from the pixel's tap (0, 0). */
    int[] taps() {
        return taps;
    }

    /** Channels per pixel in the buffer (the input's, rounded up to the channel multiple). */
    int channels() {
        return channels;
    }
}
