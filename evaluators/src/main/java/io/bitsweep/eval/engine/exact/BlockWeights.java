package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.ElementType;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.QuantizedTensor;
import io.bitsweep.eval.format.Rounding;
import java.util.Arrays;

/**
 * The weights of a block layer in integer form, computed once per candidate: per output channel, a reduction
 * vector of {@code rows × rowLength} mantissas (conv: one row per tap, {@code rowLength} = input channels; FC: one
 * row of inputs; depthwise: one row of taps) and one exponent per block of {@code blockSize} along each row (a
 * ragged last block is shorter). A weight is {@code mantissa · 2^exponent · scales[c]}: block formats have scale 1
 * and the exponent {@code X + base} ({@link BlockMantissas}); integer formats have one block per row, exponent 0
 * and the channel's scale. Pruned channels are all zero and flagged.
 *
 * @param mantissas {@code [channel][row][rowLength]}
 * @param exponents {@code [channel][row][blocksPerRow()]}
 * @param blockSize elements per block along a row; {@code Integer.MAX_VALUE} for integer formats
 * @param magnitudeBits bits of the largest mantissa magnitude
 */
public record BlockWeights(int channels, int rows, int rowLength, int blockSize, long[] mantissas, int[] exponents,
        double[] scales, boolean[] pruned, int magnitudeBits) {

    public BlockWeights {
        if (mantissas.length != channels * rows * rowLength || exponents.length != channels * rows * blocksPerRow(
                blockSize, rowLength) || scales.length != channels || pruned.length != channels) {
            throw new IllegalArgumentException("block weights: inconsistent sizes");
        }
    }

    /**
     * Quantizes float weights laid out {@code [channel][row][rowLength]} into one block format, blocks along the
     * rows, rounding to nearest (ties away from zero); pruned channels become zero.
     */
    public static BlockWeights quantize(BlockFormat format, float[] weights, int channels, int rows, int rowLength,
            boolean[] pruned) {
        Layout layout = format.layout(new int[] {channels, rows, rowLength}, Granularity.blocks(-1));
        QuantizedTensor qt = QuantizedTensor.forLayout(layout);
        format.quantize(weights, layout, Rounding.NEAREST, qt);
        ElementType e = format.element();
        int reduction = rows * rowLength;
        long[] mantissas = new long[weights.length];
        for (int i = 0; i < mantissas.length; i++) {
            mantissas[i] = pruned[i / reduction] ? 0 : BlockMantissas.mantissa(e, qt.codes[i]);
        }
        int base = BlockMantissas.baseExponent(e);
        int[] exponents = new int[layout.groups()];
        for (int g = 0; g < exponents.length; g++) {
            exponents[g] = qt.exponents[g] + base;
        }
        double[] scales = new double[channels];
        Arrays.fill(scales, 1.0);
        return new BlockWeights(channels, rows, rowLength, format.blockSize(), mantissas, exponents, scales, pruned,
                BlockMantissas.magnitudeBits(e));
    }

    public int blocksPerRow() {
        return blocksPerRow(blockSize, rowLength);
    }

    static int blocksPerRow(int blockSize, int rowLength) {
        int b = Math.min(blockSize, rowLength);
        return (rowLength + b - 1) / b;
    }
}
