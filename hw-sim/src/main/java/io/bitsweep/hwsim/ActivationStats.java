package io.bitsweep.hwsim;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statistics of the activations each layer reads, gathered by the inference engine on a data shard. They drive the
 * data-dependent targets: {@code zeroFraction} (share of input activations equal to the zero point, skipped by
 * zero-skipping PEs, Cnvlutin style) and {@code effectiveBits} (mean number of bits a bit-serial PE must process per
 * activation, Stripes/Pragmatic style: e.g. the position of the highest set bit of |q| plus sign, averaged).
 *
 * <p>Immutable. Shards combine with {@link #merge}, a sample-weighted mean, so the result does not depend on the order
 * in which shards arrive. Layers without statistics are costed as if every activation were non-zero and full width.
 */
public final class ActivationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Statistics of one layer's input activations over {@code samples} inputs. */
    public record LayerStats(double zeroFraction, double effectiveBits, long samples) implements Serializable {
        public LayerStats {
            if (!(zeroFraction >= 0 && zeroFraction <= 1)) {
                throw new HwSimException("activation stats: zero fraction = " + zeroFraction + ": allowed 0..1");
            }
            if (!(effectiveBits >= 0 && effectiveBits <= 32)) {
                throw new HwSimException("activation stats: effective bits = " + effectiveBits + ": allowed 0..32");
            }
            if (samples <= 0) {
                throw new HwSimException("activation stats: samples = " + samples + ": must be > 0");
            }
        }
    }

    public static final ActivationStats NONE = new ActivationStats(Map.of());

    private final Map<String, LayerStats> byLayer;

    private ActivationStats(Map<String, LayerStats> byLayer) {
        this.byLayer = Collections.unmodifiableMap(new LinkedHashMap<>(byLayer));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Statistics of the named layer, or null when none were gathered. */
    public LayerStats get(String layer) {
        return byLayer.get(layer);
    }

    public Map<String, LayerStats> asMap() {
        return byLayer;
    }

    /** The sample-weighted mean of this and {@code other}, layer by layer. */
    public ActivationStats merge(ActivationStats other) {
        Map<String, LayerStats> out = new LinkedHashMap<>(byLayer);
        other.byLayer.forEach((layer, b) -> out.merge(layer, b, (a, bb) -> {
            long n = a.samples() + bb.samples();
            double wa = (double) a.samples() / n;
            double wb = (double) bb.samples() / n;
            return new LayerStats(a.zeroFraction() * wa + bb.zeroFraction() * wb,
                    a.effectiveBits() * wa + bb.effectiveBits() * wb, n);
        }));
        return new ActivationStats(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActivationStats s && s.byLayer.equals(byLayer);
    }

    @Override
    public int hashCode() {
        return byLayer.hashCode();
    }

    @Override
    public String toString() {
        return "ActivationStats" + byLayer;
    }

    public static final class Builder {
        private final Map<String, LayerStats> byLayer = new LinkedHashMap<>();

        public Builder put(String layer, double zeroFraction, double effectiveBits, long samples) {
            try {
                byLayer.put(layer, new LayerStats(zeroFraction, effectiveBits, samples));
            } catch (HwSimException e) {
                throw new HwSimException("layer " + layer + ": " + e.getMessage());
            }
            return this;
        }

        public ActivationStats build() {
            return new ActivationStats(byLayer);
        }
    }
}
