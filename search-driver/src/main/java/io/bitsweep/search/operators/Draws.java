package io.bitsweep.search.operators;

import java.util.SplittableRandom;

/**
 * Random numbers that depend only on (seed, generation, index, purpose), never on the order in which work is done
 * or arrives: the same seed gives the same search on any number of executors.
 */
public final class Draws {
    /**
     * What a stream is for, so two uses of the same (generation, index) never share numbers. New purposes go last:
     * an ordinal is part of every stream's key.
     */
    public enum Purpose { INITIAL, SELECTION, CROSSOVER, MUTATION, CALIBRATION_SPLIT, EVALUATION_SPLIT, EVALUATION_ORDER }

    private final long seed;

    public Draws(long seed) {
        this.seed = seed;
    }

    public SplittableRandom stream(int generation, int index, Purpose purpose) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ generation);
        h = mix(h ^ ((long) index << 8) ^ purpose.ordinal());
        return new SplittableRandom(h);
    }

    /** SplitMix64's finaliser: a bijective mix, so distinct inputs give distinct, well-spread seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
