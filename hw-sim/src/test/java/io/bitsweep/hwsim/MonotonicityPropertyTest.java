package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: lowering any channel's weight precision (pruning included) never increases cycles or energy, on every
 * shipped target and on an IS array, over randomized workloads (fixed seed). Pruning removes the channel's cost.
 */
class MonotonicityPropertyTest {
    private static final int[] WIDTHS = {0, 2, 3, 4, 5, 8};
    private static final int[] ACT_WIDTHS = {2, 4, 8};
    private static final int CASES = 300;

    private static List<Target> targets() {
        List<Target> ts = new ArrayList<>();
        for (String name : Targets.SHIPPED) {
            ts.add(Targets.load(name));
        }
        ts.add(Targets.fromConfig("test", "systolic-8x8-is", ConfigFactory.parseString(
                "target { kind = systolic, rows = 8, cols = 8, dataflow = is, memory.filter-sram = 2 KiB,"
                        + " memory.ifmap-sram = 4 KiB, memory.ofmap-sram = 4 KiB }")));
        ts.add(Targets.fromConfig("test", "systolic-4x8-ws-small", ConfigFactory.parseString(
                "target { kind = systolic, rows = 4, cols = 8, dataflow = ws, memory.filter-sram = 1 KiB,"
                        + " memory.ifmap-sram = 1 KiB, memory.ofmap-sram = 1 KiB, memory.dram-bytes-per-cycle = 2 }")));
        return ts;
    }

    @Test
    void loweringAnyChannelNeverCostsMore() {
        Random rnd = new Random(20240611L);
        int checked = 0;
        for (Target t : targets()) {
            boolean bfp = t.name().startsWith("bfp");
            for (int n = 0; n < CASES; n++) {
                Workload w = randomWorkload(rnd, bfp);
                ActivationStats stats = randomStats(rnd, w);
                int li = rnd.nextInt(w.size());
                Layer l = w.layer(li);
                if (!l.op().hasWeights()) {
                    continue;
                }
                int c = rnd.nextInt(l.outC());
                int[] bits = l.weightBitsCopy();
                if (bits[c] == 0) {
                    continue;
                }
                int lower = WIDTHS[rnd.nextInt(indexOf(bits[c]))];
                bits[c] = lower;
                Workload lowered = w.with(li, l.withWeightBits(bits));
                for (boolean ideal : new boolean[] {false, true}) {
                    SimulationReport before = t.simulate(w, stats, ideal);
                    SimulationReport after = t.simulate(lowered, stats, ideal);
                    String what = t.name() + " case " + n + " " + l + " channel " + c + " -> " + lower
                            + (ideal ? " (ideal memory)" : "");
                    assertTrue(after.totalCycles() <= before.totalCycles(),
                            what + ": cycles " + before.totalCycles() + " -> " + after.totalCycles());
                    assertTrue(after.energyPj() <= before.energyPj() * (1 + 1e-12),
                            what + ": energy " + before.energyPj() + " -> " + after.energyPj());
                    assertTrue(after.dramBytes() <= before.dramBytes(), what + ": DRAM bytes");
                }
                checked++;
            }
        }
        assertTrue(checked > CASES * 3, "only " + checked + " cases checked");
    }

    @Test
    void pruningRemovesTheChannelsMacsAndComputeEnergy() {
        Target t = Targets.load("systolic-16x16-os");
        Layer l = Layer.conv("conv_2d_0", 8, 8, 16, 3, 3, 8, 8, 20);
        int[] bits = l.weightBitsCopy();
        bits[3] = 0;
        SimulationReport full = t.simulate(new Workload("w", List.of(l)));
        SimulationReport pruned = t.simulate(new Workload("w", List.of(l.withWeightBits(bits))));
        assertEquals(full.macs() - l.macsPerChannel(), pruned.macs());
        assertEquals(full.computePj() - l.macsPerChannel() * 0.3, pruned.computePj(), 1e-6);
        SimulationReport none = t.simulate(new Workload("w", List.of(l.withUniformWeightBits(0))));
        assertEquals(0, none.totalCycles());
        assertEquals(0, none.energyPj());
        assertEquals(0, none.dramBytes());
    }

    private static int indexOf(int width) {
        for (int i = 0; i < WIDTHS.length; i++) {
            if (WIDTHS[i] == width) {
                return i;
            }
        }
        throw new IllegalArgumentException("width " + width);
    }

    private static Workload randomWorkload(Random rnd, boolean bfp) {
        List<Layer> layers = new ArrayList<>();
        int nLayers = 1 + rnd.nextInt(4);
        for (int i = 0; i < nLayers; i++) {
            int h = 1 + rnd.nextInt(20);
            int cin = 1 + rnd.nextInt(40);
            int cout = 1 + rnd.nextInt(70);
            int k = 1 + 2 * rnd.nextInt(2);
            Layer l = switch (rnd.nextInt(3)) {
                case 0 -> Layer.conv("conv_2d_" + i, h, h, cin, k, k, h, h, cout);
                case 1 -> Layer.depthwise("depthwise_conv_2d_" + i, h, h, cin, k, k, h, h);
                default -> Layer.fc("fully_connected_" + i, cin * 8, cout);
            };
            int[] bits = new int[l.outC()];
            int maxWidth = 2 + rnd.nextInt(WIDTHS.length - 2);
            for (int c = 0; c < bits.length; c++) {
                bits[c] = WIDTHS[rnd.nextInt(maxWidth + 1 > WIDTHS.length ? WIDTHS.length : maxWidth + 1)];
            }
            int act = ACT_WIDTHS[rnd.nextInt(ACT_WIDTHS.length)];
            l = l.withWeightBits(bits).withActivationBits(act, act);
            if (bfp) {
                l = l.withBfp(new int[] {8, 16, 32}[rnd.nextInt(3)], new int[] {0, 16}[rnd.nextInt(2)], 8);
            }
            layers.add(l);
            if (rnd.nextInt(4) == 0) {
                layers.add(Layer.add("add_" + i, h, h, l.outC()));
            }
        }
        return new Workload("random", layers);
    }

    private static ActivationStats randomStats(Random rnd, Workload w) {
        ActivationStats.Builder b = ActivationStats.builder();
        for (Layer l : w.layers()) {
            if (rnd.nextBoolean()) {
                b.put(l.name(), rnd.nextDouble(), rnd.nextDouble() * l.actBits(), 1 + rnd.nextInt(100));
            }
        }
        return b.build();
    }
}
