package io.bitsweep.eval.engine.exact;

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

    public int blocksPerRow() {
        return blocksPerRow(blockSize, rowLength);
    }

    static int blocksPerRow(int blockSize, int rowLength) {
        int b = Math.min(blockSize, rowLength);
        return (rowLength + b - 1) / b;
    }
}
