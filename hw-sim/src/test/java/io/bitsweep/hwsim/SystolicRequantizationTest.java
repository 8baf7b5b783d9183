package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Requantization on the array targets: edge units overlapped with compute, and fused residual units. */
class SystolicRequantizationTest {
    private static final Target OS16 = Targets.load("systolic-16x16-os");
    private static final Requantization POT = Requantization.TFLITE.withForm(ScaleForm.POWER_OF_TWO);

    private static Layer conv() {
        return Layer.conv("conv_2d_2", 32, 32, 16, 3, 3, 32, 32, 16);
    }

    private static Layer add() {
        return Layer.add("add_0", 32, 32, 16);
    }

    @Test
    void theEdgeUnitsHideAConvsRequantizationAndChargeItsEnergy() {
        SimulationReport fixed = OS16.simulate(new Workload("w", List.of(conv())), ActivationStats.NONE, true);
        SimulationReport pot = OS16.simulate(new Workload("w", List.of(conv().withRequantization(POT))),
                ActivationStats.NONE, true);
        // 16,384 outputs through 16 units: 1,024 cycles, under the 64 x (144 + 30) - 1 compute cycles.
        assertEquals(0, fixed.requantCycles());
        assertEquals(16_384, fixed.requantElements());
        assertEquals(16_384 * 3.5, fixed.requantPj(), 1e-6);
        assertEquals(16_384 * 0.39, pot.requantPj(), 1e-6);
        assertEquals(fixed.computeCycles(), pot.computeCycles());
        // A 16-bit accumulator halves the datapath and its energy.
        SimulationReport narrow = OS16.simulate(new Workload("w", List.of(conv().withRequantization(
                new Requantization(ScaleForm.FIXED_POINT, 16, false)))));
        assertEquals(16_384 * 3.5 / 2, narrow.requantPj(), 1e-6);
    }

    @Test
    void anUnfusedAddIsLimitedByItsThreeRescalesAndStallsHideBehindThem() {
        Workload w = new Workload("w", List.of(add()));
        LayerCost ideal = OS16.simulate(w, ActivationStats.NONE, true).layers().get(0);
        // 16,384 adds on 16 lanes: 1,024 cycles; 3 x 16,384 rescales on 16 units: 3,072, so 2,048 more.
        assertEquals(1_024, ideal.computeCycles());
        assertEquals(2_048, ideal.requantCycles());
        assertEquals(3 * 16_384 * 3.5, ideal.requantPj(), 1e-6);
        // 49,152 bytes at 16 B/cycle = 3,072 DRAM cycles: hidden behind compute + requantization.
        LayerCost real = OS16.simulate(w).layers().get(0);
        assertEquals(0, real.stallCycles());
        assertEquals(3_072, real.totalCycles());
    }

    @Test
    void aFusedUnitMovesTheShortcutAndTheSumInsteadOfTheConvOutputAndTheAdd() {
        Workload unfused = new Workload("w", List.of(conv(), add()));
        Workload fused = new Workload("w", List.of(
                conv().withRequantization(Requantization.TFLITE.withFusedNextAdd(true)), add()));
        assertTrue(fused.addDoneByPreviousLayer(1));
        SimulationReport u = OS16.simulate(unfused);
        SimulationReport f = OS16.simulate(fused);
        LayerCost host = f.layer("conv_2d_2");
        LayerCost doneAdd = f.layer("add_0");
        assertEquals(LayerCost.none(add()), doneAdd);
        // Shortcut alignment and the sum's requantization on all 16,384 elements; the conv's own output write
        // (16,384 B) is replaced by the shortcut read and the sum write (2 x 16,384 B).
        assertEquals(2 * 16_384, host.requantElements());
        assertEquals(u.layer("conv_2d_2").dramBytes() + 16_384, host.dramBytes());
        assertEquals(u.layer("conv_2d_2").computeCycles(), host.computeCycles());
        assertEquals(u.dramBytes() - 2 * 16_384, f.dramBytes());
        assertTrue(f.totalCycles() < u.totalCycles());
        assertTrue(f.energyPj() < u.energyPj());
        // All channels pruned: the shortcut still passes through the unit.
        Workload prunedHost = new Workload("w", List.of(conv().withUniformWeightBits(0)
                .withRequantization(Requantization.TFLITE.withFusedNextAdd(true)), add()));
        LayerCost p = OS16.simulate(prunedHost, ActivationStats.NONE, true).layer("conv_2d_2");
        assertEquals(0, p.computeCycles());
        assertEquals(2 * 16_384 / 16, p.requantCycles());
        assertEquals(2 * 16_384, p.dramBytes());
    }

    @Test
    void blockRequantizationRunsOnTheBfpTargetOnly() {
        Layer block = conv().withRequantization(Requantization.TFLITE.withForm(ScaleForm.BLOCK));
        Workload w = new Workload("w", List.of(block));
        assertEquals(16_384 * 0.59, Targets.load("bfp-16x16-os").simulate(w).requantPj(), 1e-6);
        String msg = assertThrows(HwSimException.class, () -> OS16.simulate(w)).getMessage();
        assertTrue(msg.contains("layer conv_2d_2") && msg.contains("form block") && msg.contains("no BFP mode"), msg);
    }
}
