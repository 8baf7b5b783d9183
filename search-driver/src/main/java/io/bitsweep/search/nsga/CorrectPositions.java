package io.bitsweep.search.nsga;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Which evaluation positions a candidate predicted correctly: an immutable bit set (bit p: the sample at position p
 * of the evaluation order). Racing compares two candidates sample by sample on it. {@link #NONE} when the evaluator
 * kept no per-sample outcomes (AUC tasks, run stores written before it existed).
 */
public final class CorrectPositions {
    public static final CorrectPositions NONE = new CorrectPositions(new long[0]);

    private final long[] bits;

    private CorrectPositions(long[] bits) {
        this.bits = bits;
    }

    public static CorrectPositions of(long[] bits) {
        return bits.length == 0 ? NONE : new CorrectPositions(bits.clone());
    }

    public boolean known() {
        return bits.length > 0;
    }

    public boolean get(int position) {
        int w = position >> 6;
        return w < bits.length && (bits[w] & (1L << position)) != 0;
    }

    /** How many positions below {@code n} are set here and clear in {@code other}. */
    public int onlyHere(CorrectPositions other, int n) {
        int count = 0;
        for (int w = 0; w << 6 < n; w++) {
            long mine = w < bits.length ? bits[w] : 0;
            long theirs = w < other.bits.length ? other.bits[w] : 0;
            long inRange = n - (w << 6) >= 64 ? -1L : (1L << (n - (w << 6))) - 1;
            count += Long.bitCount(mine & ~theirs & inRange);
        }
        return count;
    }

    /** Little-endian 64-bit words, as the run store's {@code correct_positions} column holds them. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(bits.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(bits);
        return b.array();
    }

    public static CorrectPositions fromBytes(byte[] bytes) {
        long[] bits = new long[bytes.length / Long.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(bits);
        return of(bits);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorrectPositions c && Arrays.equals(bits, c.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }
}
