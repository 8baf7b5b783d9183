package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.ElementType;
import io.bitsweep.eval.format.Rounding;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Requantizes int8 affine activation codes (value {@code (q - zp) · s}) into the integer operand of a block layer:
 * a mantissa per element and an exponent per block.
 *
 * <p>With a block format: the value of code q is the float32 nearest to {@code (q - zp) · s} (product in double);
 * a block's shared exponent X follows from its largest |q - zp| exactly as {@link BlockFormat} derives it from the
 * block's max |value|; each element is rounded to nearest (ties away from zero) on the element grid at 2^X and
 * saturated, i.e. the block is what {@code format.quantize} gives for those float values. Its mantissa is
 * {@link BlockMantissas#mantissa}, its block exponent {@code X + base}, and the operand scale is 1.
 *
 * <p>Without one (an integer input format): the mantissa is {@code q - zp}, the exponent 0 and the operand scale s.
 *
 * <p>Both are table look-ups built once: a block's max |q - zp| (0..255) picks the exponent and a row of 256
 * mantissas (a block can only take a handful of distinct exponents, one per binade of |q - zp| · s), looked up a
 * vector of codes at a time by a gather.
 */
public final class BlockInputQuantizer {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** As many codes as {@link #I} has lanes, widened to them for the block maximum. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(I.length() * 8));
    private final int[] exponentOfMax = new int[256];
    private final int[] rowOfMax = new int[256];
    private final long[] mantissas;
    /** {@link #mantissas} as ints, for the int-lane kernels (null when a mantissa does not fit an int). */
    private final int[] intMantissas;
    private final int blockSize;
    private final double operandScale;
    private final int magnitudeBits;
    private final int zeroPoint;
    /** One vector of codes as ints: the gather's index map. */
    private final int[] codes = new int[I.length()];

    /**
     * @param format the block format, or null for the integer operand {@code q - zp}
     * @param scale the int8 tensor's scale; @param zeroPoint its zero point
     */
    public BlockInputQuantizer(BlockFormat format, float scale, int zeroPoint) {
        this.zeroPoint = zeroPoint;
        if (format == null) {
            this.mantissas = new long[256];
            for (int q = -128; q < 128; q++) {
                mantissas[q + 128] = q - zeroPoint;
            }
            this.intMantissas = toInts(mantissas);
            this.blockSize = Integer.MAX_VALUE;
            this.operandScale = scale;
            this.magnitudeBits = 8;
            return;
        }
        ElementType e = format.element();
        int base = BlockMantissas.baseExponent(e);
        int[] rowExponent = new int[256];
        int rows = 0;
        for (int m = 0; m < 256; m++) {
            int x = format.sharedExponent(value(m, scale));
            int row = rows > 0 && rowExponent[rows - 1] == x ? rows - 1 : rows++;
            rowExponent[row] = x;
            rowOfMax[m] = row;
            exponentOfMax[m] = x + base;
        }
        this.mantissas = new long[rows * 256];
        for (int row = 0; row < rows; row++) {
            double down = Math.scalb(1.0, -rowExponent[row]);
            for (int q = -128; q < 128; q++) {
                double v = e.quantize(value(q - zeroPoint, scale) * down, Rounding.NEAREST);
                mantissas[row * 256 + q + 128] = BlockMantissas.mantissa(e, e.encode(v));
            }
        }
        this.intMantissas = toInts(mantissas);
        this.blockSize = format.blockSize();
        this.operandScale = 1.0;
        this.magnitudeBits = BlockMantissas.magnitudeBits(e);
    }

    private static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != (int) values[i]) {
                return null;
            }
            ints[i] = (int) values[i];
        }
        return ints;
    }

    /** The activation value of {@code q - zp = k}: float32 of the exact product. */
    static float value(int k, float scale) {
        return (float) (k * (double) scale);
    }

    /** Elements per block (Integer.MAX_VALUE for the integer operand: one block per row). */
    public int blockSize() {
        return blockSize;
    }

    /** The real scale every product carries besides 2^exponent: s for the integer operand, else 1. */
    public double operandScale() {
        return operandScale;
    }

    /** Bits of the largest mantissa magnitude. */
    public int magnitudeBits() {
        return magnitudeBits;
    }

    /**
     * Requantizes {@code n} codes {@code in[from..from+n)} as consecutive blocks into {@code mant[to..]}, writing
     * one exponent per block into {@code exp[expAt..]} (a row is one pixel's channels or one window's taps).
     */
    public void requantize(byte[] in, int from, int n, long[] mant, int to, int[] exp, int expAt) {
        int b = Math.min(blockSize, n);
        for (int lo = 0, blk = expAt; lo < n; lo += b, blk++) {
            int hi = Math.min(n, lo + b);
            int row = blockRow(in, from + lo, from + hi, exp, blk);
            for (int i = lo; i < hi; i++) {
                mant[to + i] = mantissas[row + in[from + i]];
            }
        }
    }

    /**
     * As {@link #requantize(byte[], int, int, long[], int, int[], int)} into int mantissas (narrow formats, whose
     * mantissas all fit an int), for {@code rows} consecutive rows of {@code rowLength} codes from {@code in[inBase]}:
     * row r's mantissas go to {@code mant[r · rowLength..]} and its exponents to {@code exp[r · blocksPerRow..]}.
     */
    public void requantizeRows(byte[] in, int inBase, int rows, int rowLength, int[] mant, int[] exp) {
        int b = Math.min(blockSize, rowLength);
        int blocksPerRow = (rowLength + b - 1) / b;
        int[] table = intMantissas;
        int n = I.length();
        for (int r = 0; r < rows; r++) {
            int from = r * rowLength;
            for (int lo = 0, blk = r * blocksPerRow; lo < rowLength; lo += b, blk++) {
                int hi = Math.min(rowLength, lo + b);
                int maxMag = maxMagnitudeVector(in, inBase + from + lo, inBase + from + hi);
                exp[blk] = exponentOfMax[maxMag];
                int row = rowOfMax[maxMag] * 256 + 128;
                int i = from + lo;
                // whole vectors of codes by a gather from the block's row, the rest one by one
                for (; i + n <= from + hi; i += n) {
                    ((IntVector) ByteVector.fromArray(B, in, inBase + i).convertShape(VectorOperators.B2I, I, 0))
                            .intoArray(codes, 0);
                    IntVector.fromArray(I, table, row, codes, 0).intoArray(mant, i);
                }
                for (; i < from + hi; i++) {
                    mant[i] = table[row + in[inBase + i]];
                }
            }
        }
    }

    /** max |q - zp| over {@code in[lo..hi)}: whole vectors of codes, then the rest one by one. */
    private int maxMagnitudeVector(byte[] in, int lo, int hi) {
        int maxMag = 0;
        int i = lo;
        for (int n = B.length(); i + n <= hi; i += n) {
            maxMag = Math.max(maxMag, ((IntVector) ByteVector.fromArray(B, in, i).convertShape(VectorOperators.B2I,
                    I, 0)).sub(zeroPoint).abs().reduceLanes(VectorOperators.MAX));
        }
        return Math.max(maxMag, maxMagnitude(in, i, hi));
    }

    private int maxMagnitude(byte[] in, int lo, int hi) {
        int maxMag = 0;
        for (int i = lo; i < hi; i++) {
            maxMag = Math.max(maxMag, Math.abs(in[i] - zeroPoint));
        }
        return maxMag;
    }

    /** The block's exponent into {@code exp[blk]}; returns the offset of code 0 in its mantissa row. */
    private int blockRow(byte[] in, int lo, int hi, int[] exp, int blk) {
        int maxMag = maxMagnitudeVector(in, lo, hi);
        exp[blk] = exponentOfMax[maxMag];
        return rowOfMax[maxMag] * 256 + 128;
    }

    public int zeroPoint() {
        return zeroPoint;
    }

    /** Per largest |q - zp| of a block (0..255): the block's exponent. */
    int[] exponentOfMax() {
        return exponentOfMax;
    }

    /** Per largest |q - zp| of a block: its row of {@link #intMantissas()}. */
    int[] rowOfMax() {
        return rowOfMax;
    }

    /** Rows of 256 mantissas (index q + 128), or null where one does not fit an int. */
    int[] intMantissas() {
        return intMantissas;
    }
}
