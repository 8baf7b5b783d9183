package io.bitsweep.hwsim;

/**
 * The cost of one layer on one target. {@code totalCycles = computeCycles + requantCycles + stallCycles}:
 * {@code computeCycles} are the MAC array's or core's cycles for the layer's arithmetic (unchanged by
 * requantization), {@code requantCycles} the cycles requantization adds on top of them (on an MCU every cycle of its
 * instruction sequences; on an array only what its requantization units do not hide behind the compute), and
 * stalls the cycles spent waiting for DRAM beyond what double buffering hides. {@code requantElements} counts the
 * elements rescaled over all the layer's requantization points. Bytes are traffic (reads + writes) at each level.
 * {@code utilization} is MACs / (compute cycles x peak MACs per cycle of the fastest mode the layer uses), in [0, 1];
 * 0 for layers without MACs.
 */
public record LayerCost(String layer, OpKind op, long macs, long computeCycles, long stallCycles, long requantCycles,
                        long requantElements, long sramBytes, long dramBytes, double computePj, double requantPj,
                        double sramPj, double dramPj, double utilization) {

    /** The cost of a layer that does nothing of its own: an ADD done by the output stage of the layer before it. */
    static LayerCost none(Layer l) {
        return new LayerCost(l.name(), l.op(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public long totalCycles() {
        return computeCycles + requantCycles + stallCycles;
    }

    public double energyPj() {
        return computePj + requantPj + sramPj + dramPj;
    }
}
