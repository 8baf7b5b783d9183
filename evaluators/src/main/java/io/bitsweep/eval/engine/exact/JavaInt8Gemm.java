package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Gemm} in the Vector API: weights widened once to int32 {@code [t·depth + k][paddedChannels]}, and a
 * register tile of 4 output pixels by up to 4 vectors of 16 output channels: per reduction step one load per weight
 * vector serves 4 pixels, and one broadcast input per pixel serves every weight vector (no horizontal sums). The
 * taps are flattened into one reduction loop through a table of input offsets, so the accumulators are carried by a
 * single loop: C2 on JDK 17 keeps them in registers there, while vectors carried across a loop nest get boxed
 * (docs/PERFORMANCE.md, "Vector API rules"). The tile shapes are separate methods because the accumulators must be
 * separate locals, and the stores are written out: a helper taking the vectors was left out of line by C2's
 * inlining node limit, which boxed every vector of the loop.
 */
final class JavaInt8Gemm extends Int8Gemm {
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final int PIXELS = 4;

    private final int[] packed;
    /** Per reduction step {@code t · depth + k}: its input offset from the pixel, {@code taps[t] + k}. */
    private final int[] inputOffsets;
    private final int steps;
    /** Four rows of accumulators for a tile past the last whole one. */
    private final int[] tail;

    JavaInt8Gemm(byte[] weights, int channels, int depth, int[] tapOffsets, int[] bias, int inputZeroPoint,
            boolean[] skipped) {
        super(weights, channels, depth, tapOffsets, bias, inputZeroPoint, skipped);
        this.steps = taps * depth;
        this.packed = new int[steps * paddedChannels];
        for (int c = 0; c < channels; c++) {
            if (isSkipped(skipped, c)) {
                continue;
            }
            for (int s = 0; s < steps; s++) {
                packed[s * paddedChannels + c] = weights[c * steps + s];
            }
        }
        this.tail = new int[PIXELS * paddedChannels];
        this.inputOffsets = new int[steps];
        for (int t = 0; t < taps; t++) {
            for (int k = 0; k < depth; k++) {
                inputOffsets[t * depth + k] = tapOffsets[t] + k;
            }
        }
    }

    @Override
    void multiply(byte[] input, int[] pixels, int from, int to, int[] acc) {
        for (int cb = 0; cb < paddedChannels; ) {
            int vectors = Math.min(4, (paddedChannels - cb) / LANES);
            for (int m = from; m < to; m += PIXELS) {
                int valid = Math.min(PIXELS, to - m);
                int p0 = pixels[m];
                int p1 = pixels[m + Math.min(1, valid - 1)];
                int p2 = pixels[m + Math.min(2, valid - 1)];
                int p3 = pixels[m + Math.min(3, valid - 1)];
                // a tile always stores 4 rows: the last, partial one goes through the scratch rows
                int[] dst = valid == PIXELS ? acc : tail;
                int row = (valid == PIXELS ? (m - from) * paddedChannels : 0) + cb;
                switch (vectors) {
                    case 4 -> tile4(input, p0, p1, p2, p3, cb, dst, row);
                    case 1 -> tile1(input, p0, p1, p2, p3, cb, dst, row);
                    default -> tile2(input, p0, p1, p2, p3, cb, dst, row);
                }
                if (valid < PIXELS) {
                    for (int r = 0; r < valid; r++) {
                        System.arraycopy(tail, r * paddedChannels + cb, acc, (m - from + r) * paddedChannels + cb,
                                (vectors == 3 ? 2 : vectors) * LANES);
                    }
                }
            }
            cb += (vectors == 3 ? 2 : vectors) * LANES;
        }
    }

    private void tile1(byte[] a, int p0, int p1, int p2, int p3, int cb, int[] acc, int row) {
        IntVector s0 = IntVector.fromArray(I, bias, cb);
        IntVector s1 = s0;
        IntVector s2 = s0;
        IntVector s3 = s0;
        for (int s = 0, w = cb; s < steps; s++, w += paddedChannels) {
            int off = inputOffsets[s];
            IntVector w0 = IntVector.fromArray(I, packed, w);
            s0 = s0.add(w0.mul(a[p0 + off] & 0xFF));
            s1 = s1.add(w0.mul(a[p1 + off] & 0xFF));
            s2 = s2.add(w0.mul(a[p2 + off] & 0xFF));
            s3 = s3.add(w0.mul(a[p3 + off] & 0xFF));
        }
        s0.intoArray(acc, row);
        s1.intoArray(acc, row + paddedChannels);
        s2.intoArray(acc, row + 2 * paddedChannels);
        s3.intoArray(acc, row + 3 * paddedChannels);
    }

    private void tile2(byte[] a, int p0, int p1, int p2, int p3, int cb, int[] acc, int row) {
        IntVector s00 = IntVector.fromArray(I, bias, cb);
        IntVector s01 = IntVector.fromArray(I, bias, cb + LANES);
        IntVector s10 = s00;
        IntVector s11 = s01;
        IntVector s20 = s00;
        IntVector s21 = s01;
        IntVector s30 = s00;
        IntVector s31 = s01;
        for (int s = 0, w = cb; s < steps; s++, w += paddedChannels) {
            int off = inputOffsets[s];
            IntVector w0 = IntVector.fromArray(I, packed, w);
            IntVector w1 = IntVector.fromArray(I, packed, w + LANES);
            int x0 = a[p0 + off] & 0xFF;
            int x1 = a[p1 + off] & 0xFF;
            int x2 = a[p2 + off] & 0xFF;
            int x3 = a[p3 + off] & 0xFF;
            s00 = s00.add(w0.mul(x0));
            s01 = s01.add(w1.mul(x0));
            s10 = s10.add(w0.mul(x1));
            s11 = s11.add(w1.mul(x1));
            s20 = s20.add(w0.mul(x2));
            s21 = s21.add(w1.mul(x2));
            s30 = s30.add(w0.mul(x3));
            s31 = s31.add(w1.mul(x3));
        }
        s00.intoArray(acc, row);
        s10.intoArray(acc, row + paddedChannels);
        s20.intoArray(acc, row + 2 * paddedChannels);
        s30.intoArray(acc, row + 3 * paddedChannels);
        s01.intoArray(acc, row + LANES);
        s11.intoArray(acc, row + LANES + paddedChannels);
        s21.intoArray(acc, row + LANES + 2 * paddedChannels);
        s31.intoArray(acc, row + LANES + 3 * paddedChannels);
    }

    private void tile4(byte[] a, int p0, int p1, int p2, int p3, int cb, int[] acc, int row) {
        IntVector s00 = IntVector.fromArray(I, bias, cb);
        IntVector s01 = IntVector.fromArray(I, bias, cb + LANES);
        IntVector s02 = IntVector.fromArray(I, bias, cb + 2 * LANES);
        IntVector s03 = IntVector.fromArray(I, bias, cb + 3 * LANES);
        IntVector s10 = s00;
        IntVector s11 = s01;
        IntVector s12 = s02;
        IntVector s13 = s03;
        IntVector s20 = s00;
        IntVector s21 = s01;
        IntVector s22 = s02;
        IntVector s23 = s03;
        IntVector s30 = s00;
        IntVector s31 = s01;
        IntVector s32 = s02;
        IntVector s33 = s03;
        for (int s = 0, w = cb; s < steps; s++, w += paddedChannels) {
            int off = inputOffsets[s];
            IntVector w0 = IntVector.fromArray(I, packed, w);
            IntVector w1 = IntVector.fromArray(I, packed, w + LANES);
            IntVector w2 = IntVector.fromArray(I, packed, w + 2 * LANES);
            IntVector w3 = IntVector.fromArray(I, packed, w + 3 * LANES);
            int x0 = a[p0 + off] & 0xFF;
            int x1 = a[p1 + off] & 0xFF;
            int x2 = a[p2 + off] & 0xFF;
            int x3 = a[p3 + off] & 0xFF;
            s00 = s00.add(w0.mul(x0));
            s01 = s01.add(w1.mul(x0));
            s02 = s02.add(w2.mul(x0));
            s03 = s03.add(w3.mul(x0));
            s10 = s10.add(w0.mul(x1));
            s11 = s11.add(w1.mul(x1));
            s12 = s12.add(w2.mul(x1));
            s13 = s13.add(w3.mul(x1));
            s20 = s20.add(w0.mul(x2));
            s21 = s21.add(w1.mul(x2));
            s22 = s22.add(w2.mul(x2));
            s23 = s23.add(w3.mul(x2));
            s30 = s30.add(w0.mul(x3));
            s31 = s31.add(w1.mul(x3));
            s32 = s32.add(w2.mul(x3));
            s33 = s33.add(w3.mul(x3));
        }
        s00.intoArray(acc, row);
        s10.intoArray(acc, row + paddedChannels);
        s20.intoArray(acc, row + 2 * paddedChannels);
        s30.intoArray(acc, row + 3 * paddedChannels);
        s01.intoArray(acc, row + LANES);
        s11.intoArray(acc, row + LANES + paddedChannels);
        s21.intoArray(acc, row + LANES + 2 * paddedChannels);
        s31.intoArray(acc, row + LANES + 3 * paddedChannels);
        s02.intoArray(acc, row + 2 * LANES);
        s12.intoArray(acc, row + 2 * LANES + paddedChannels);
        s22.intoArray(acc, row + 2 * LANES + 2 * paddedChannels);
        s32.intoArray(acc, row + 2 * LANES + 3 * paddedChannels);
        s03.intoArray(acc, row + 3 * LANES);
        s13.intoArray(acc, row + 3 * LANES + paddedChannels);
        s23.intoArray(acc, row + 3 * LANES + 2 * paddedChannels);
        s33.intoArray(acc, row + 3 * LANES + 3 * paddedChannels);
    }
}
