package io.bitsweep.hwsim;

/**
 * A hardware target that puts a cost on a {@link Workload}. Implementations are immutable and thread-safe: one
 * instance simulates thousands of candidates, possibly from several threads.
 */
public interface Target {
    /** Short name, e.g. {@code systolic-16x16-os}. */
    String name();

    /** The conf {@code kind}: systolic or mcu. */
    String kind();

    /** One line saying what this target models. */
    String description();

    double clockHz();

    /**
     * Whether the cost depends on the activation statistics passed to {@link #simulate} (zero skipping, bit-serial
     * activations): callers gather statistics only for such targets, since gathering costs inference time.
     */
    default boolean dataDependent() {
        return false;
    }

    /**
     * Costs the workload. {@code stats} feeds data-dependent timing (ignored by static targets; {@link
     * ActivationStats#NONE} means full-width, non-zero activations). {@code idealMemory} turns stall cycles off.
     * Throws {@link HwSimException} naming the layer and value when the target cannot run a layer.
     */
    SimulationReport simulate(Workload workload, ActivationStats stats, boolean idealMemory);

    default SimulationReport simulate(Workload workload) {
        return simulate(workload, ActivationStats.NONE, false);
    }
}
