package io.bitsweep.eval.format;

/**
 * Which elements of a tensor share one scale. Integer formats take {@link #perTensor()} or
 * {@link #perChannel(int)}; block formats (BFP, MX) take {@link #blocks(int)}, their block size coming from the
 * spec. An axis may be negative, counting from the last dimension (-1 is the last axis).
 */
public sealed interface Granularity {
    /** One scale for the whole tensor. */
    record PerTensor() implements Granularity {
        @Override
        public String toString() {
            return "per tensor";
        }
    }

    /** One scale per index along {@code axis}, e.g. axis 0 of conv weights [Cout, kh, kw, Cin]. */
    record PerChannel(int axis) implements Granularity {
        @Override
        public String toString() {
            return "per channel along axis " + axis;
        }
    }

    /** Blocks of consecutive elements along {@code axis} (the format's block size), one shared exponent each. */
    record Blocks(int axis) implements Granularity {
        @Override
        public String toString() {
            return "blocks along axis " + axis;
        }
    }

    static Granularity perTensor() {
        return new PerTensor();
    }

    static Granularity perChannel(int axis) {
        return new PerChannel(axis);
    }

    static Granularity blocks(int axis) {
        return new Blocks(axis);
    }
}
