package io.bitsweep.search.problem;

import io.bitsweep.search.space.Genome;
import java.util.Optional;

/**
 * The driver side of the hardware cost: weight memory from the formats, cycles and energy on the target from the
 * formats plus the activation statistics the shards gathered (zero skipping, effective bits).
 */
public interface CostModel {
    /** Weight memory, cycles and energy per inference of one candidate. */
    record Costs(double weightBits, long memoryBytes, double cycles, double energyPj) {}

    /**
     * True if cycles or energy depend on activation statistics gathered during inference (a data-dependent target):
     * costs are then not known before a candidate is scored, and racing cannot use them.
     */
    default boolean needsActivationStatistics() {
        return false;
    }

    /** @param activationStats the summed statistics of the candidate's tally, in the layout the scorer writes */
    Costs costs(Genome genome, long[] activationStats);

    /**
     * The same costs per layer, as hw-sim's CSV ({@code bitsweep hwsim --csv}): its total row equals
     * {@link #costs}' cycles and energy for the same arguments.
     *
     * @param activationStats as for {@link #costs}, or null if they are no longer known (a resumed run)
     * @return empty if this model has no per-layer costs, or if it needs the statistics and they are null
     */
    default Optional<String> layerCostsCsv(Genome genome, long[] activationStats) {
        return Optional.empty();
    }
}
