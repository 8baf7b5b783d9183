package io.bitsweep.search.problem;

import io.bitsweep.search.space.Genome;

/**
 * The driver side of the hardware cost: weight memory from the formats, cycles and energy on the target from the
 * formats plus the activation statistics the shards gathered (zero skipping, effective bits).
 */
public interface CostModel {
    /** Weight memory, cycles and energy per inference of one candidate. */
    record Costs(double weightBits, long memoryBytes, double cycles, double energyPj) {}

    /** @param activationStats the summed statistics of the candidate's tally, in the layout the scorer writes */
    Costs costs(Genome genome, long[] activationStats);
}
