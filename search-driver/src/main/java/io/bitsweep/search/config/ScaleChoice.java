package io.bitsweep.search.config;

import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;

/**
 * The scales a layer may take, a choice per layer ({@code space.*.scales}): {@code float} keeps the formats as the
 * space lists them (a float32 scale per channel or tensor: requantized with a fixed-point multiplier), {@code pot}
 * gives each of the layer's integer weight and activation formats a power-of-two scale ({@code :pot}), so that its
 * requantization is a shift wherever the scales around it are powers of two too (Geng et al. 2019). One choice for
 * the whole layer, not per channel: the hardware requantizes a layer with the multiplier path or the shift path, so a
 * layer saves only when all its channels are {@code :pot}.
 */
public enum ScaleChoice {
    FLOAT("float"),
    POT("pot");

    private final String key;

    ScaleChoice(String key) {
        this.key = key;
    }

    /** The word configs use. */
    public String key() {
        return key;
    }

    /** The format a layer with this choice uses where the space lists {@code listed}: block formats, pruned and fp32 stay. */
    public NumberFormat apply(NumberFormat listed) {
        return this == POT && listed instanceof IntFormat i ? i.withPowerOfTwoScale() : listed;
    }
}
