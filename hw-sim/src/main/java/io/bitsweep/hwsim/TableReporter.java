package io.bitsweep.hwsim;

import java.io.IOException;
import java.util.Locale;

/**
 * A human-readable table: one row per layer (MACs, cycles, stalls, requantization, traffic, energy split,
 * utilization), totals, latency, the memory footprint against the target's memories and any violated constraint.
 * Total cycles = compute + requant + stall cycles; the requantization columns come after the total so that the
 * first columns keep their places.
 */
public final class TableReporter implements Reporter {
    private static final String ROW = "%-22s %-9s %12s %12s %10s %12s %11s %11s %11s %11s %11s %10s %10s %6s%n";

    @Override
    public void write(SimulationReport r, Appendable out) throws IOException {
        out.append(String.format(Locale.ROOT, "target %s, workload %s, clock %.0f MHz%n", r.target(), r.workload(),
                r.clockHz() / 1e6));
        out.append(String.format(Locale.ROOT, ROW, "layer", "op", "MACs", "compute cyc", "stall cyc", "total cyc",
                "requant cyc", "SRAM B", "DRAM B", "compute pJ", "requant pJ", "SRAM pJ", "DRAM pJ", "util"));
        for (LayerCost l : r.layers()) {
            out.append(String.format(Locale.ROOT, ROW, l.layer(), l.op().label(), l.macs(), l.computeCycles(),
                    l.stallCycles(), l.totalCycles(), l.requantCycles(), l.sramBytes(), l.dramBytes(),
                    pj(l.computePj()), pj(l.requantPj()), pj(l.sramPj()), pj(l.dramPj()),
                    l.macs() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", l.utilization())));
        }
        out.append(String.format(Locale.ROOT, ROW, "total", "", r.macs(), r.computeCycles(), r.stallCycles(),
                r.totalCycles(), r.requantCycles(), r.sramBytes(), r.dramBytes(), pj(r.computePj()),
                pj(r.requantPj()), pj(r.sramPj()), pj(r.dramPj()), ""));
        out.append(String.format(Locale.ROOT, "latency %.3f ms, energy %.3f uJ%n", r.latencySeconds() * 1e3,
                r.energyPj() / 1e6));
        out.append(String.format(Locale.ROOT, "requantization %d elements, %d cycles, %.3f uJ%n",
                r.requantElements(), r.requantCycles(), r.requantPj() / 1e6));
        var f = r.footprint();
        out.append(String.format(Locale.ROOT, "weights %d B (%s %d B), peak activations %d B (%s %d B)%n",
                f.weightBytes(), f.weightMemory(), f.weightCapacityBytes(), f.peakActivationBytes(),
                f.activationMemory(), f.activationCapacityBytes()));
        if (r.violations().isEmpty()) {
            out.append("constraints: ok\n");
        }
        for (String v : r.violations()) {
            out.append("constraint violated: ").append(v).append('\n');
        }
    }

    private static String pj(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
