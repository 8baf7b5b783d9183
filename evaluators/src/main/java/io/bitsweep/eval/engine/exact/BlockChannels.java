package io.bitsweep.eval.engine.exact;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-output-channel fixed point of a block layer's accumulator. A product of mantissas carries the real
 * factor {@code inputScale · weightScale[c]} (1 for two block operands) besides its power of two; the accumulator
 * counts units of {@code u[c] = inputScale · weightScale[c] · 2^lsb[c]}, with lsb[c] chosen so that the register's
 * range is {@value #HEADROOM_BITS} bits above one output step: {@code 2^(bits-1) · u[c] >= 2^HEADROOM_BITS ·
 * outScale} with the least such lsb (256 times the int8 output range; at 32 bits an output step is 2^15 to 2^16
 * units). The bias enters as {@code round(bias / u[c])} (nearest, ties away from zero), clamped to the register;
 * the output stage multiplies by {@code u[c] / outScale} (a Q31 multiplier, as the int8 path).
 */
final class BlockChannels {
    /** Range of the accumulator in output steps, as a power of two. */
    static final int HEADROOM_BITS = 16;

    final int[] lsb;
    final long[] bias;
    final QuantizedMultiplier[] multipliers;

    BlockChannels(BlockWeights w, double inputScale, float[] realBias, float outScale, int accumulatorBits) {
        int n = w.channels();
        lsb = new int[n];
        bias = new long[n];
        multipliers = new QuantizedMultiplier[n];
        long max = (1L << (accumulatorBits - 1)) - 1;
        for (int c = 0; c < n; c++) {
            double factor = inputScale * w.scales()[c];
            lsb[c] = ceilLog2(outScale / factor) + HEADROOM_BITS - (accumulatorBits - 1);
            double unit = Math.scalb(factor, lsb[c]);
            double b = realBias == null || w.pruned()[c] ? 0 : TfliteMath.roundHalfAway(realBias[c] / unit);
            bias[c] = (long) Math.max(-max - 1, Math.min(max, b));
            multipliers[c] = QuantizedMultiplier.of(unit / outScale);
        }
    }

    static int ceilLog2(double x) {
        int e = Math.getExponent(x);
        return x == Math.scalb(1.0, e) ? e : e + 1;
    }

    /**
     * The segments of a row of {@code rowLength} on which both operands' exponents are constant: the maximal runs
     * between consecutive block boundaries of either operand (block sizes clamped to the row; ragged last blocks),
     * with the index of the activation block and of the weight block each lies in.
     */
    record Segments(int[] start, int[] end, int[] inputBlock, int[] weightBlock) {
        static Segments of(int rowLength, int inputBlockSize, int weightBlockSize) {
            int a = Math.min(inputBlockSize, rowLength);
            int w = Math.min(weightBlockSize, rowLength);
            List<int[]> segs = new ArrayList<>();
            for (int s = 0; s < rowLength; ) {
                int e = Math.min(rowLength, Math.min((s / a + 1) * a, (s / w + 1) * w));
                segs.add(new int[] {s, e});
                s = e;
            }
            int n = segs.size();
            int[] start = new int[n];
            int[] end = new int[n];
            int[] ib = new int[n];
            int[] wb = new int[n];
            for (int i = 0; i < n; i++) {
                start[i] = segs.get(i)[0];
                end[i] = segs.get(i)[1];
                ib[i] = start[i] / a;
                wb[i] = start[i] / w;
            }
            return new Segments(start, end, ib, wb);
        }

        int count() {
            return start.length;
        }

    }

    /** Worst-case bits of an exact segment sum, sign included; must fit in a long with room for alignment. */
    static int sumBits(int inputMagnitudeBits, int weightMagnitudeBits, int segmentLength) {
        return inputMagnitudeBits + weightMagnitudeBits + ceilLog2(segmentLength) + 1;
    }
}
