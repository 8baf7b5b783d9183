package io.bitsweep.hwsim;

import java.io.IOException;
import java.util.Locale;

/**
 * One CSV row per layer with exactly the columns
 * {@code layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,energy_pj,requant_elements,
 * requant_cycles,requant_energy_pj}, then a row {@code total} with the sums (op column empty).
 * {@code total_cycles = compute_cycles + requant_cycles + stall_cycles}; {@code energy_pj} includes
 * {@code requant_energy_pj}. The requantization columns come last so that readers of the first nine keep their
 * indices. Energy is in pJ with 3 decimals; everything else is an integer. Layer names are the IR's short names
 * ({@code conv_2d_0}), which need no quoting.
 */
public final class CsvReporter implements Reporter {
    public static final String HEADER = "layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,"
            + "energy_pj,requant_elements,requant_cycles,requant_energy_pj";

    @Override
    public void write(SimulationReport r, Appendable out) throws IOException {
        out.append(HEADER).append('\n');
        for (LayerCost l : r.layers()) {
            out.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%.3f,%d,%d,%.3f%n", l.layer(),
                    l.op().label(), l.macs(), l.computeCycles(), l.stallCycles(), l.totalCycles(), l.sramBytes(),
                    l.dramBytes(), l.energyPj(), l.requantElements(), l.requantCycles(), l.requantPj()));
        }
        out.append(String.format(Locale.ROOT, "total,,%d,%d,%d,%d,%d,%d,%.3f,%d,%d,%.3f%n", r.macs(),
                r.computeCycles(), r.stallCycles(), r.totalCycles(), r.sramBytes(), r.dramBytes(), r.energyPj(),
                r.requantElements(), r.requantCycles(), r.requantPj()));
    }
}
