package io.bitsweep.eval.engine.exact;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FixedPoint}'s functions on 8 lanes at once, each lane bit-identical to the scalar int function. Every lane
 * is a long holding a sign-extended int, so the 64-bit products need no widening step; where Java's int arithmetic
 * wraps ({@link #wrap}) the lanes wrap explicitly, and shift counts are masked as Java masks them.
 *
 * <p>The conversions are chosen for C2 on JDK 17 (docs/PERFORMANCE.md, "Vector API rules"): bytes to and from 8
 * longs, and the first 8 lanes of a 512-bit int vector to longs. A conversion that takes part 1 of a longer vector
 * lost its constant vector length in the shared JVM and fell back to boxing Java code, and any conversion from or to
 * the 256-bit int species made C2 box the vectors of the int8 GEMM loops in the whole JVM.
 * Multipliers are never negative ({@code QuantizeMultiplier} gives 0 or [2^30, 2^31)), so the one saturating case
 * of SaturatingRoundingDoublingHighMul (both operands MIN_VALUE) cannot occur and is not tested.
 */
final class FixedPointLanes {
    static final VectorSpecies<Long> L = LongVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    /** Lanes per vector. */
    static final int LANES = L.length();
    private static final long HALF = 1L << 30;
    private static final long NEGATIVE_NUDGE_DELTA = (1L - (1L << 30)) - (1L << 30);
    private static final long TRUNCATE_BIAS = (1L << 31) - 1;

    private FixedPointLanes() {}

    /** 8 ints from {@code a[at..]}, sign-extended; {@code a} must have 16 ints from {@code at} (a whole int vector). */
    static LongVector loadInts(int[] a, int at) {
        return (LongVector) IntVector.fromArray(I, a, at).convertShape(VectorOperators.I2L, L, 0);
    }

    /** 8 bytes from {@code a[at..]}, sign-extended. */
    static LongVector loadBytes(byte[] a, int at) {
        return (LongVector) ByteVector.fromArray(B, a, at).convertShape(VectorOperators.B2L, L, 0);
    }

    /** The low byte of each lane into {@code a[at..at + 8)}. */
    static void storeBytes(LongVector v, byte[] a, int at) {
        ((ByteVector) v.convertShape(VectorOperators.L2B, B, 0)).intoArray(a, at);
    }

    /** Each lane's low 32 bits, sign-extended: the int a Java int operation would have wrapped to. */
    static LongVector wrap(LongVector v) {
        return v.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32);
    }

    /** {@link FixedPoint#saturatingRoundingDoublingHighMul} per lane, {@code b >= 0}; the result fits an int. */
    static LongVector highMul(LongVector a, LongVector b) {
        LongVector ab = a.mul(b);
        // nudge = ab >= 0 ? 2^30 : 1 - 2^30
        LongVector nudged = ab.add(ab.lanewise(VectorOperators.ASHR, 63).and(NEGATIVE_NUDGE_DELTA).add(HALF));
        // division by 2^31 truncating toward zero, as C++ (and Java) integer division
        return nudged.add(nudged.lanewise(VectorOperators.ASHR, 63).and(TRUNCATE_BIAS))
                .lanewise(VectorOperators.ASHR, 31);
    }

    /**
     * {@link FixedPoint#roundingDivideByPot} per lane of ints: {@code exponent} is the int shift count as Java uses
     * it ({@code & 31}), {@code mask} the scalar function's {@code (int) ((1L << exponent) - 1)} sign-extended, both
     * computed once by the caller.
     */
    static LongVector roundingDivideByPot(LongVector x, LongVector exponent, LongVector mask) {
        LongVector remainder = x.and(mask);
        LongVector threshold = mask.lanewise(VectorOperators.ASHR, 1).sub(x.lanewise(VectorOperators.ASHR, 63));
        // remainder > threshold (both in [0, 2^32)) exactly when threshold - remainder is negative: add 1 then
        return x.lanewise(VectorOperators.ASHR, exponent)
                .sub(threshold.sub(remainder).lanewise(VectorOperators.ASHR, 63));
    }

    /**
     * {@link FixedPoint#multiplyByQuantizedMultiplierSingleRounding} per lane: {@code (x * m + round) >> shift} in
     * 64 bits, clamped to the int range; {@code round} and {@code shift} are what the scalar function computes from
     * the multiplier's exponent.
     */
    static LongVector singleRounding(LongVector x, LongVector m, LongVector round, LongVector shift) {
        return x.mul(m).add(round).lanewise(VectorOperators.ASHR, shift)
                .max(Integer.MIN_VALUE).min(Integer.MAX_VALUE);
    }
}
