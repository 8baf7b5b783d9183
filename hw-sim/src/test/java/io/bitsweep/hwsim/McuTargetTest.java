package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class McuTargetTest {
    private static final Target MPIC = Targets.load("mpic");

    @Test
    void resNet8W8A8CyclesAreMacsOver2Point1RoundedUpPerLayer() {
        Workload w = ResNet8Shapes.workload();
        SimulationReport r = MPIC.simulate(w);
        assertEquals(ResNet8Shapes.MACS, r.macs());
        long expected = 0;
        for (Layer l : w.layers()) {
            if (l.op().hasWeights()) {
                long macs = l.macsPerChannel() * l.outC();
                long cycles = BigDecimal.valueOf(macs).divide(new BigDecimal("2.1"), 0, RoundingMode.CEILING)
                        .longValueExact();
                assertEquals(cycles, r.layer(l.name()).computeCycles(), l.name());
                expected += cycles;
            }
        }
        long weighted = r.layers().stream().filter(c -> c.op().hasWeights()).mapToLong(LayerCost::computeCycles).sum();
        assertEquals(expected, weighted);
        // 12,501,632 / 2.1 = 5,953,158.1; rounding up in each of the 10 layers gives 5,953,165.
        assertEquals(5_953_165, weighted);
        // Every busy cycle of the core costs 21.5 pJ: the MACs' and the requantization's (reported apart).
        assertEquals((r.computeCycles() + r.requantCycles()) * 21.5, r.energyPj(), 1e-6);
        assertEquals(0, r.stallCycles());
    }

    @Test
    void mixedPrecisionSumsGroupsExactlyAndRoundsOnce() {
        // 16 channels: 8 at w4, 8 at w2, a8: MACs per channel = 1024 * 27 = 27648.
        Layer l = Layer.conv("conv_2d_0", 32, 32, 3, 3, 3, 32, 32, 16)
                .withWeightBits(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2});
        SimulationReport r = MPIC.simulate(new Workload("one", List.of(l)));
        BigDecimal exact = BigDecimal.valueOf(8 * 27648).divide(new BigDecimal("2.3"), 40, RoundingMode.HALF_EVEN)
                .add(BigDecimal.valueOf(8 * 27648).divide(new BigDecimal("2.5"), 40, RoundingMode.HALF_EVEN));
        assertEquals(exact.setScale(0, RoundingMode.CEILING).longValueExact(), r.computeCycles());
    }

    @Test
    void unsupportedWidthRoundsUpToTheNextMode() {
        Workload w3 = uniform(3, 5);
        Workload w4 = uniform(4, 8);
        assertEquals(MPIC.simulate(w4).computeCycles(), MPIC.simulate(w3).computeCycles());
    }

    @Test
    void notFittingIsAViolatedConstraintNotAnError() {
        // 64x64x256 conv: 589,824 int8 weights > 512 KiB flash; activations 2 x 1 MiB > 512 KiB RAM.
        Workload big = new Workload("big", List.of(Layer.conv("conv_2d_0", 64, 64, 256, 3, 3, 64, 64, 256)));
        SimulationReport r = MPIC.simulate(big);
        assertFalse(r.fits());
        assertEquals(2, r.violations().size());
        assertTrue(r.violations().get(0).contains("flash"), r.violations().toString());
        assertTrue(MPIC.simulate(ResNet8Shapes.workload()).fits());
    }

    private static Workload uniform(int weightBits, int actBits) {
        List<Layer> layers = new ArrayList<>();
        for (Layer l : ResNet8Shapes.workload().layers()) {
            layers.add(l.withUniformWeightBits(weightBits).withActivationBits(actBits, actBits));
        }
        return new Workload("u", layers);
    }
}
