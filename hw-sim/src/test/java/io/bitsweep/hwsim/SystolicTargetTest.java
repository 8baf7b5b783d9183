package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystolicTargetTest {
    private static final Target OS16 = Targets.load("systolic-16x16-os");

    private static Workload one(Layer l) {
        return new Workload("one", List.of(l));
    }

    @Test
    void channelsAreSortedByWidthAndChunkedOverColumns() {
        // 32 channels on 16 columns, K = 144, E = 1024 -> 64 row folds per chunk. Channels interleaved 8,4,8,4...
        int[] bits = new int[32];
        for (int c = 0; c < 32; c++) {
            bits[c] = c % 2 == 0 ? 8 : 4;
        }
        Layer l = Layer.conv("conv_2d_1", 32, 32, 16, 3, 3, 32, 32, 32).withWeightBits(bits);
        // Sorted: 16 x w8 (1 MAC/PE/cycle: 144 + 30) then 16 x w4 (2 MACs: 72 + 30), 64 folds each, minus 1.
        assertEquals(64 * (144 + 30) + 64 * (72 + 30) - 1,
                OS16.simulate(one(l), ActivationStats.NONE, true).computeCycles());
        // One w8 channel among w4: it shares the first chunk, so the second chunk still runs at 2 MACs.
        int[] mostly4 = new int[32];
        Arrays.fill(mostly4, 4);
        mostly4[31] = 8;
        assertEquals(64 * (144 + 30) + 64 * (72 + 30) - 1,
                OS16.simulate(one(l.withWeightBits(mostly4)), ActivationStats.NONE, true).computeCycles());
    }

    @Test
    void widthsWithoutAModeRoundUpToTheLeastCoveringMode() {
        Layer l = Layer.conv("conv_2d_1", 16, 16, 16, 3, 3, 16, 16, 16);
        Workload w3 = one(l.withUniformWeightBits(3).withActivationBits(5, 5));
        Workload w4 = one(l.withUniformWeightBits(4).withActivationBits(8, 8));
        assertEquals(OS16.simulate(w4).computeCycles(), OS16.simulate(w3).computeCycles());
        assertEquals(OS16.simulate(w4).computePj(), OS16.simulate(w3).computePj(), 1e-9);
    }

    @Test
    void inputStationarySplitsTheChannelStreamOnlyWhenItPays() {
        Target is = Targets.fromConfig("t", "is", ConfigFactory.parseString(
                "target { kind = systolic, rows = 16, cols = 16, dataflow = is }"));
        // K = 144: w8 (m=1) needs 9 K-folds, w2 (m=4 at a8) 3. E = 64 -> 4 E-folds.
        Layer base = Layer.conv("conv_2d_1", 8, 8, 16, 3, 3, 8, 8, 64);
        int[] bits = new int[64];
        Arrays.fill(bits, 2);
        bits[0] = 8;
        long cycles = is.simulate(one(base.withWeightBits(bits)), ActivationStats.NONE, true).computeCycles();
        long together = 9 * 4 * (32 + 16 + 64 - 2);
        long split = 9 * 4 * (32 + 16 + 1 - 2) + 3 * 4 * (32 + 16 + 63 - 2);
        assertEquals(Math.min(together, split) - 1, cycles);
        assertTrue(split < together);
    }

    @Test
    void stallsComeFromDramTrafficBeyondTheLink() {
        // FC 1024 -> 1024 at int8: 1 MiB of weights, beyond 64 KiB filter SRAM, through a 1 B/cycle link, while
        // the OS array does 16 MACs per cycle on it (E = 1 fills one row).
        Target slowLink = Targets.fromConfig("t", "slow", ConfigFactory.parseString(
                "target { kind = systolic, memory.dram-bytes-per-cycle = 1 }"));
        Layer fc = Layer.fc("fully_connected_0", 1024, 1024);
        SimulationReport r = slowLink.simulate(one(fc));
        LayerCost c = r.layers().get(0);
        assertTrue(c.stallCycles() > 0);
        assertEquals(c.dramBytes(), c.totalCycles());
        assertEquals(0, slowLink.simulate(one(fc), ActivationStats.NONE, true).stallCycles());
    }

    @Test
    void bitSerialZeroSkippingTargetDependsOnTheData() {
        Target stripes = Targets.load("stripes-16x16-os");
        Workload w = ResNet8Shapes.workload();
        SimulationReport none = stripes.simulate(w, ActivationStats.NONE, true);
        // Without statistics it costs as the bit-parallel array with the same modes.
        assertEquals(OS16.simulate(w, ActivationStats.NONE, true).computeCycles(), none.computeCycles());
        ActivationStats half = ActivationStats.builder().put("conv_2d_1", 0.5, 8, 100).build();
        ActivationStats halfAndNarrow = ActivationStats.builder().put("conv_2d_1", 0.5, 4, 100).build();
        long c0 = none.layer("conv_2d_1").computeCycles();
        long c1 = stripes.simulate(w, half, true).layer("conv_2d_1").computeCycles();
        long c2 = stripes.simulate(w, halfAndNarrow, true).layer("conv_2d_1").computeCycles();
        // E = 1024 -> 64 folds; streamed K = 144 becomes 72 then 36.
        assertEquals(64 * (144 + 30) - 1, c0);
        assertEquals(64 * (72 + 30) - 1, c1);
        assertEquals(64 * (36 + 30) - 1, c2);
        assertEquals(none.layer("conv_2d_2").computeCycles(), stripes.simulate(w, half, true)
                .layer("conv_2d_2").computeCycles());
        // A static target ignores the statistics.
        assertEquals(OS16.simulate(w, halfAndNarrow, true), OS16.simulate(w, ActivationStats.NONE, true));
    }

    @Test
    void bfpMantissaSetsThroughputAndBlocksCostAlignment() {
        Target bfp = Targets.load("bfp-16x16-os");
        Layer l = Layer.conv("conv_2d_1", 32, 32, 16, 3, 3, 32, 32, 16);
        long m8 = bfp.simulate(one(l.withBfp(16, 16, 8)), ActivationStats.NONE, true).computeCycles();
        long m4 = bfp.simulate(one(l.withUniformWeightBits(4).withBfp(16, 16, 8)), ActivationStats.NONE, true)
                .computeCycles();
        // K = 144, 9 blocks of 16: 64 output tiles x 9 alignment cycles on top of the integer-mantissa folds.
        assertEquals(64 * (144 + 30) - 1 + 64 * 9, m8);
        assertEquals(64 * (72 + 30) - 1 + 64 * 9, m4);
        // Exponents are stored: 16 channels x 9 blocks x 8 bits on top of the 8-bit mantissas.
        assertEquals((16 * 144 * 8 + 16 * 9 * 8) / 8, bfp.simulate(one(l.withBfp(16, 0, 8))).footprint().weightBytes());
    }

    @Test
    void activationStatsMergeIsTheSampleWeightedMeanInAnyOrder() {
        ActivationStats a = ActivationStats.builder().put("conv_2d_0", 0.2, 6, 100).build();
        ActivationStats b = ActivationStats.builder().put("conv_2d_0", 0.6, 2, 300).put("conv_2d_1", 0.1, 8, 1).build();
        ActivationStats ab = a.merge(b);
        assertEquals(ab, b.merge(a));
        assertEquals(0.5, ab.get("conv_2d_0").zeroFraction(), 1e-12);
        assertEquals(3.0, ab.get("conv_2d_0").effectiveBits(), 1e-12);
        assertEquals(400, ab.get("conv_2d_0").samples());
        assertEquals(1, ab.get("conv_2d_1").samples());
    }
}
