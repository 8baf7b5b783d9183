package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReportersTest {
    private static final SimulationReport REPORT = Targets.load("systolic-16x16-os").simulate(ResNet8Shapes.workload());

    @Test
    void csvHasExactlyTheDocumentedColumnsOneRowPerLayerAndTotals() {
        String[] lines = new CsvReporter().format(REPORT).split("\n");
        assertEquals("layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,energy_pj,"
                + "requant_elements,requant_cycles,requant_energy_pj", lines[0]);
        assertEquals(1 + ResNet8Shapes.workload().size() + 1, lines.length);
        String[] conv0 = lines[1].split(",");
        LayerCost c0 = REPORT.layers().get(0);
        assertEquals("conv_2d_0", conv0[0]);
        assertEquals("conv", conv0[1]);
        assertEquals(c0.macs(), Long.parseLong(conv0[2]));
        assertEquals(c0.computeCycles(), Long.parseLong(conv0[3]));
        assertEquals(c0.stallCycles(), Long.parseLong(conv0[4]));
        assertEquals(c0.totalCycles(), Long.parseLong(conv0[5]));
        assertEquals(c0.sramBytes(), Long.parseLong(conv0[6]));
        assertEquals(c0.dramBytes(), Long.parseLong(conv0[7]));
        assertEquals(c0.energyPj(), Double.parseDouble(conv0[8]), 1e-3);
        assertEquals(c0.requantElements(), Long.parseLong(conv0[9]));
        assertEquals(c0.requantCycles(), Long.parseLong(conv0[10]));
        assertEquals(c0.requantPj(), Double.parseDouble(conv0[11]), 1e-3);
        String[] total = lines[lines.length - 1].split(",", -1);
        assertEquals("total", total[0]);
        assertEquals(ResNet8Shapes.MACS, Long.parseLong(total[2]));
        assertEquals(REPORT.totalCycles(), Long.parseLong(total[5]));
        assertEquals(REPORT.requantCycles(), Long.parseLong(total[10]));
        for (String line : lines) {
            assertEquals(12, line.split(",", -1).length, line);
            String[] f = line.split(",", -1);
            if (!f[0].equals("layer")) {
                assertEquals(Long.parseLong(f[3]) + Long.parseLong(f[10]) + Long.parseLong(f[4]),
                        Long.parseLong(f[5]), "total = compute + requant + stall: " + line);
            }
        }
    }

    @Test
    void tableShowsEveryLayerTotalsAndFootprint() {
        String table = new TableReporter().format(REPORT);
        for (LayerCost l : REPORT.layers()) {
            assertTrue(table.contains(l.layer()), l.layer());
        }
        assertTrue(table.contains("total"));
        assertTrue(table.contains("weights " + REPORT.footprint().weightBytes() + " B"), table);
        assertTrue(table.contains("constraints: ok"), table);
        assertTrue(table.contains("requant cyc") && table.contains("requant pJ"), table);
        assertTrue(table.contains("requantization " + REPORT.requantElements() + " elements, "
                + REPORT.requantCycles() + " cycles"), table);
    }

    @Test
    void totalsAreSumsAndEnergyIsSplit() {
        long cycles = 0;
        double energy = 0;
        for (LayerCost l : REPORT.layers()) {
            cycles += l.totalCycles();
            energy += l.energyPj();
            assertTrue(l.utilization() >= 0 && l.utilization() <= 1, l.layer());
        }
        assertEquals(cycles, REPORT.totalCycles());
        assertEquals(energy, REPORT.energyPj(), 1e-6);
        assertTrue(REPORT.computePj() > 0 && REPORT.sramPj() > 0 && REPORT.dramPj() > 0);
        // ResNet-8 int8: 77,708 parameters less 346 biases and the 2-element reshape shape -> 77,360 weight bytes.
        assertEquals(77_360, REPORT.footprint().weightBytes());
    }
}
