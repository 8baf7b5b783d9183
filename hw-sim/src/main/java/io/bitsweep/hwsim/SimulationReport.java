package io.bitsweep.hwsim;

import java.util.List;

/**
 * The cost of a whole workload on a target: per-layer costs, totals, and the memory footprint against the target's
 * memories. {@code violations} lists every hard constraint the workload breaks (e.g. weights larger than the MCU's
 * flash), one human-readable line each; empty means it fits.
 */
public record SimulationReport(String target, String workload, double clockHz, List<LayerCost> layers,
                               Footprint footprint, List<String> violations) {

    /** Memory need of the workload and the capacities it is compared with (0 = the target has no such memory). */
    public record Footprint(long weightBytes, long peakActivationBytes, long weightCapacityBytes,
                            long activationCapacityBytes, String weightMemory, String activationMemory) {
    }

    public SimulationReport {
        layers = List.copyOf(layers);
        violations = List.copyOf(violations);
    }

    public boolean fits() {
        return violations.isEmpty();
    }

    public long macs() {
        long s = 0;
        for (LayerCost l : layers) {
            s += l.macs();
        }
        return s;
    }

    public long computeCycles() {
        long s = 0;
        for (LayerCost l : layers) {
            s += l.computeCycles();
        }
        return s;
    }

    public long stallCycles() {
        long s = 0;
        for (LayerCost l : layers) {
            s += l.stallCycles();
        }
        return s;
    }

    public long totalCycles() {
        return computeCycles() + stallCycles();
    }

    public long sramBytes() {
        long s = 0;
        for (LayerCost l : layers) {
            s += l.sramBytes();
        }
        return s;
    }

    public long dramBytes() {
        long s = 0;
        for (LayerCost l : layers) {
            s += l.dramBytes();
        }
        return s;
    }

    public double computePj() {
        double s = 0;
        for (LayerCost l : layers) {
            s += l.computePj();
        }
        return s;
    }

    public double sramPj() {
        double s = 0;
        for (LayerCost l : layers) {
            s += l.sramPj();
        }
        return s;
    }

    public double dramPj() {
        double s = 0;
        for (LayerCost l : layers) {
            s += l.dramPj();
        }
        return s;
    }

    public double energyPj() {
        return computePj() + sramPj() + dramPj();
    }

    /** Latency of one inference in seconds at the target's clock. */
    public double latencySeconds() {
        return totalCycles() / clockHz;
    }

    /** The cost of the named layer, or null. */
    public LayerCost layer(String name) {
        for (LayerCost l : layers) {
            if (l.layer().equals(name)) {
                return l;
            }
        }
        return null;
    }
}
