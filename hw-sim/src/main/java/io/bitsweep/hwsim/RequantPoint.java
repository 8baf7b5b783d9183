package io.bitsweep.hwsim;

/**
 * One requantization point of a layer in its workload: {@code elements} values, each rescaled once in scale form
 * {@code form} from (or into) an accumulator of {@code accumulatorBits}. {@link Workload#requantPoints(int)} derives
 * them from the layer's shape, pruning and {@link Requantization}; a target puts a cost on each element.
 */
public record RequantPoint(Kind kind, ScaleForm form, long elements, int accumulatorBits) {

    /** What the point rescales. */
    public enum Kind {
        /** Accumulator to output code: rescale, round, add the output zero point, clamp to the output range. */
        OUTPUT("output"),
        /** One input of an unfused ADD onto the ADD's common scale (TFLite: (q - zp) << 20, then rescale). */
        ADD_INPUT("add input"),
        /** The shortcut of a fused residual onto the accumulator's scale, added into the accumulator. */
        SHORTCUT("shortcut");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
