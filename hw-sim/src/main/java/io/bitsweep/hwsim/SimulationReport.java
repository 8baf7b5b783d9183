package io.bitsweep.hwsim;

import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

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
        return sumLong(LayerCost::macs);
    }

    public long computeCycles() {
        return sumLong(LayerCost::computeCycles);
    }

    public long stallCycles() {
        return sumLong(LayerCost::stallCycles);
    }

    public long requantCycles() {
        return sumLong(LayerCost::requantCycles);
    }

    public long requantElements() {
        return sumLong(LayerCost::requantElements);
    }

    public long totalCycles() {
        return computeCycles() + requantCycles() + stallCycles();
    }

    public long sramBytes() {
        return sumLong(LayerCost::sramBytes);
    }

    public long dramBytes() {
        return sumLong(LayerCost::dramBytes);
    }

    public double computePj() {
        return sumDouble(LayerCost::computePj);
    }

    public double requantPj() {
        return sumDouble(LayerCost::requantPj);
    }

    public double sramPj() {
        return sumDouble(LayerCost::sramPj);
    }

    public double dramPj() {
        return sumDouble(LayerCost::dramPj);
    }

    public double energyPj() {
        return computePj() + requantPj() + sramPj() + dramPj();
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

    private long sumLong(ToLongFunction<LayerCost> field) {
        long s = 0;
        for (LayerCost l : layers) {
            s += field.applyAsLong(l);
        }
        return s;
    }

    /** A plain left-to-right sum, as the totals have always been (a DoubleStream sum would compensate rounding). */
    private double sumDouble(ToDoubleFunction<LayerCost> field) {
        double s = 0;
        for (LayerCost l : layers) {
            s += field.applyAsDouble(l);
        }
        return s;
    }
}
