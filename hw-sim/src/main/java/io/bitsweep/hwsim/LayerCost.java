package io.bitsweep.hwsim;

/**
 * The cost of one layer on one target. {@code totalCycles = computeCycles + stallCycles}; stalls are the cycles the
 * array waits for DRAM beyond what double buffering hides. Bytes are traffic (reads + writes) at each level.
 * {@code utilization} is MACs / (compute cycles x peak MACs per cycle of the fastest mode the layer uses), in [0, 1];
 * 0 for layers without MACs.
 */
public record LayerCost(String layer, OpKind op, long macs, long computeCycles, long stallCycles,
                        long sramBytes, long dramBytes, double computePj, double sramPj, double dramPj,
                        double utilization) {

    public long totalCycles() {
        return computeCycles + stallCycles;
    }

    public double energyPj() {
        return computePj + sramPj + dramPj;
    }
}
