package io.bitsweep.eval.engine.exact;

import java.util.Collections;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Data-dependent activation statistics that hw-sim turns into zero-skipping and bit-serial timing, gathered per
 * layer output while the exact engine runs (only when {@link ExactOptions#statistics()} is on: with it off the
 * engine has no statistics step at all). Values are the integer codes relative to the zero point,
 * {@code v = q - zp}:
 * <ul>
 *   <li>zero fraction: share of elements with {@code v == 0} (what zero skipping skips);</li>
 *   <li>effective bits: mean magnitude bit length of {@code |v|} (0 for zeros), what a bit-serial PE spends;</li>
 *   <li>exponent spread: per block of {@value #BLOCK} consecutive elements (along channels), the difference
 *       between the largest and smallest {@code floor(log2|v|)} of its non-zero elements, averaged over blocks
 *       (how much a shared exponent would cost the smaller values).</li>
 * </ul>
 * Not thread-safe; one instance per program.
 */
public final class ActivationStatistics {
    public static final int BLOCK = 16;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;

    /** One layer's running sums. */
    public static final class Layer {
        long elements;
        long zeros;
        long magnitudeBits;
        long blocks;
        long exponentSpread;

        public double zeroFraction() {
            return elements == 0 ? 0 : (double) zeros / elements;
        }

        public double effectiveBits() {
            return elements == 0 ? 0 : (double) magnitudeBits / elements;
        }

        public double meanExponentSpread() {
            return blocks == 0 ? 0 : (double) exponentSpread / blocks;
        }

        public long elements() {
            return elements;
        }

        /** Elements equal to the zero point: exact integer sums, so shards merge without rounding. */
        public long zeros() {
            return zeros;
        }

        /** Sum over elements of the magnitude bit length of {@code |q - zp|}. */
        public long magnitudeBits() {
            return magnitudeBits;
        }
    }

    private final Map<String, Layer> layers = new LinkedHashMap<>();

    /**
     * Adds one output tensor of a layer: {@code length} int8 codes from {@code codes[from]} (one image), zero point
     * {@code zp}. Whole blocks run 16 lanes at a time; a block's exponents come from the float conversion of
     * {@code |v|} (exact for 1..255, so its exponent field is {@code floor(log2 |v|)}).
     */
    void observe(String layer, byte[] codes, int from, int length, int zp) {
        Layer l = layers.computeIfAbsent(layer, k -> new Layer());
        IntVector nonzeroLanes = IntVector.zero(I);
        IntVector bitLanes = IntVector.zero(I);
        long spread = 0;
        int b = 0;
        for (int whole = length - length % BLOCK; b < whole; b += BLOCK) {
            IntVector v = ((IntVector) ByteVector.fromArray(B, codes, from + b).convertShape(VectorOperators.B2I, I, 0))
                    .sub(zp).abs();
            VectorMask<Integer> nonzero = v.compare(VectorOperators.NE, 0);
            IntVector exponent = ((IntVector) v.convertShape(VectorOperators.I2F, F, 0).reinterpretAsInts())
                    .lanewise(VectorOperators.LSHR, 23).sub(127);
            nonzeroLanes = nonzeroLanes.sub(nonzero.toVector().reinterpretAsInts());
            bitLanes = bitLanes.add(exponent.add(1), nonzero);
            if (nonzero.anyTrue()) {
                spread += exponent.reduceLanes(VectorOperators.MAX, nonzero)
                        - exponent.reduceLanes(VectorOperators.MIN, nonzero);
            }
        }
        long nonzeros = nonzeroLanes.reduceLanesToLong(VectorOperators.ADD);
        long bits = bitLanes.reduceLanesToLong(VectorOperators.ADD);
        long zeros = b - nonzeros;
        if (b < length) {
            int minExp = Integer.MAX_VALUE;
            int maxExp = -1;
            for (int i = from + b; i < from + length; i++) {
                int v = Math.abs(codes[i] - zp);
                if (v == 0) {
                    zeros++;
                    continue;
                }
                int e = 31 - Integer.numberOfLeadingZeros(v);
                bits += e + 1;
                minExp = Math.min(minExp, e);
                maxExp = Math.max(maxExp, e);
            }
            if (maxExp >= 0) {
                spread += maxExp - minExp;
            }
        }
        l.elements += length;
        l.zeros += zeros;
        l.magnitudeBits += bits;
        l.exponentSpread += spread;
        l.blocks += (length + BLOCK - 1) / BLOCK;
    }

    /** Per layer name, in execution order. */
    public Map<String, Layer> layers() {
        return Collections.unmodifiableMap(layers);
    }
}
