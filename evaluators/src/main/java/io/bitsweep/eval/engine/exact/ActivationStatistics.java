package io.bitsweep.eval.engine.exact;

import java.util.Collections;
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

    /** Adds one output tensor of a layer (int8 codes with zero point {@code zp}). */
    void observe(String layer, byte[] codes, int zp) {
        Layer l = layers.computeIfAbsent(layer, k -> new Layer());
        long zeros = 0;
        long bits = 0;
        long spread = 0;
        long blocks = 0;
        for (int b = 0; b < codes.length; b += BLOCK) {
            int end = Math.min(codes.length, b + BLOCK);
            int minExp = Integer.MAX_VALUE;
            int maxExp = -1;
            for (int i = b; i < end; i++) {
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
            blocks++;
        }
        l.elements += codes.length;
        l.zeros += zeros;
        l.magnitudeBits += bits;
        l.exponentSpread += spread;
        l.blocks += blocks;
    }

    /** Per layer name, in execution order. */
    public Map<String, Layer> layers() {
        return Collections.unmodifiableMap(layers);
    }
}
