package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ConvGeometry;
import java.util.List;

/**
 * The input operand of {@link NativeBlockConv}: one int8 tensor quantized into blocks ({@link BlockInputQuantizer}),
 * as the unsigned mantissa bytes {@code m + offset} in a padded copy ({@link PaddedLayout}) whose border and padding
 * channels hold mantissa 0, with an exponent and a sum of |m| per block.
 *
 * <p>Convs that read the same tensor in the same block format can share one: ResNet's downsampling stages read
 * their input with a 3x3 conv and a 1x1 shortcut. {@link IntegerProgram} then quantizes it once per batch, into a
 * copy whose border is wide enough for all of them ({@link PaddedLayout#covering}), and the convs only read it. The
 * batch's largest term bound ({@link #worstTerm()}) is then taken at the largest weight shift of any reader, an upper
 * bound for every reader: a reader whose own shifts are smaller may prove fewer batches at once and checks those
 * pixel by pixel, with the same bytes.
 */
final class NativeBlockInput {
    private final BlockInputQuantizer quantizer;
    private final PaddedLayout layout;
    private final int cp;
    private final int blocksPerPixel;
    private final int inputBlock;
    /** The unsigned input byte is the mantissa plus this. */
    private final int offset;
    private final byte[] tables;
    private final byte[] mantissas;
    private final int[] exponents;
    private final int[] sumAbs;
    private final int[] minExponent = new int[1];
    private int maxShift = Integer.MIN_VALUE / 2;
    private int readers;
    private long worstTerm;

    private NativeBlockInput(BlockInputQuantizer quantizer, PaddedLayout layout, int offset, int capacity) {
        this.quantizer = quantizer;
        this.layout = layout;
        this.offset = offset;
        ConvGeometry g = layout.geometry();
        this.cp = Int8Conv2d.ceilTo(g.inC(), NativeInt8Gemm.DEPTH_MULTIPLE);
        this.inputBlock = Math.min(quantizer.blockSize(), g.inC());
        this.blocksPerPixel = BlockWeights.blocksPerRow(quantizer.blockSize(), g.inC());
        int[] rows = quantizer.intMantissas();
        this.tables = new byte[rows.length];
        for (int i = 0; i < rows.length; i++) {
            tables[i] = (byte) (rows[i] + offset);
        }
        int pixelsTotal = capacity * layout.imagePixels();
        this.mantissas = new byte[pixelsTotal * cp + PaddedInput.SLACK];
        java.util.Arrays.fill(mantissas, (byte) offset); // mantissa 0: the border and the padding channels
        this.exponents = new int[pixelsTotal * blocksPerPixel];
        this.sumAbs = new int[pixelsTotal * blocksPerPixel];
    }

    /**
     * The operand of convs {@code readers} (over the same input) for batches of up to {@code capacity} images, or
     * null where the native kernel does not take it: mantissas that do not fit an int or span more than 256 values.
     */
    static NativeBlockInput of(BlockInputQuantizer quantizer, List<ConvGeometry> readers, int capacity) {
        int[] rows = quantizer.intMantissas();
        if (rows == null) {
            return null;
        }
        int min = java.util.Arrays.stream(rows).min().orElse(0);
        int max = java.util.Arrays.stream(rows).max().orElse(0);
        if (max - min > 255) {
            return null;
        }
        return new NativeBlockInput(quantizer, PaddedLayout.covering(readers), -min, capacity);
    }

    /** A conv reads this operand; {@code maxShift} is its largest weight shift. */
    void addReader(int maxShift) {
        this.maxShift = Math.max(this.maxShift, maxShift);
        readers++;
    }

    /** Whether some conv reads this operand (else quantizing it is wasted). */
    boolean hasReaders() {
        return readers > 0;
    }

    /** Quantizes {@code n} images of {@code in} (from {@code inOffset}), for every reader. */
    void quantize(byte[] in, int inOffset, int n) {
        ConvGeometry g = layout.geometry();
        int inBytes = n * g.inH() * g.inW() * g.inC();
        if (inOffset < 0 || inOffset + inBytes > in.length || n * layout.imagePixels() * cp > mantissas.length) {
            throw new IndexOutOfBoundsException("native block input: " + n + " images of " + in.length + " bytes");
        }
        worstTerm = NativeKernels.quantizeBlocks(in, inOffset, n, g.inH(), g.inW(), g.inC(), inputBlock,
                quantizer.zeroPoint(), tables, quantizer.exponentOfMax(), quantizer.rowOfMax(), layout.height(),
                layout.width(), layout.top(), layout.left(), cp, blocksPerPixel, offset, maxShift, mantissas,
                exponents, sumAbs, minExponent);
    }

    /** The padded copy, as window {@code g} reads it. */
    PaddedLayout layoutFor(ConvGeometry g) {
        return layout.readBy(g);
    }

    int offset() {
        return offset;
    }

    /** Mantissa bytes per pixel (the channels rounded up to the GEMM's depth step). */
    int cp() {
        return cp;
    }

    int blocksPerPixel() {
        return blocksPerPixel;
    }

    byte[] mantissas() {
        return mantissas;
    }

    int[] exponents() {
        return exponents;
    }

    int[] sumAbs() {
        return sumAbs;
    }

    /** Of the last quantized batch: the largest term bound of any block, at the largest weight shift of any reader. */
    long worstTerm() {
        return worstTerm;
    }

    /** Of the last quantized batch: the smallest exponent of a block that is not all zero. */
    int minExponent() {
        return minExponent[0];
    }
}
