package io.bitsweep.hwsim;

import java.io.IOException;
import java.util.Locale;

/**
 * One CSV row per layer with exactly the columns
 * {@code layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,energy_pj}, then a row
 * {@code total} with the sums (op column empty). Energy is in pJ with 3 decimals; everything else is an integer.
 * Layer names are the IR's short names ({@code conv_2d_0}), which need no quoting.
 */
public final class CsvReporter implements Reporter {
    public static final String HEADER =
            "layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,energy_pj";

    @Override
    public void write(SimulationReport r, Appendable out) throws IOException {
        out.append(HEADER).append('\n');
        for (LayerCost l : r.layers()) {
            row(out, l.layer(), l.op().label(), l.macs(), l.computeCycles(), l.stallCycles(), l.sramBytes(),
                    l.dramBytes(), l.energyPj());
        }
        row(out, "total", "", r.macs(), r.computeCycles(), r.stallCycles(), r.sramBytes(), r.dramBytes(),
                r.energyPj());
    }

    private static void row(Appendable out, String layer, String op, long macs, long compute, long stall, long sram,
                            long dram, double energy) throws IOException {
        out.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%.3f%n", layer, op, macs, compute, stall,
                compute + stall, sram, dram, energy));
    }
}
