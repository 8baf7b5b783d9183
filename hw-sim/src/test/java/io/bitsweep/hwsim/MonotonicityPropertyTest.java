package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties, on every shipped target and on an IS array, over randomized workloads with randomized requantization
 * (fixed seed): lowering any channel's weight precision (pruning included), an activation width or an accumulator
 * width never increases cycles, energy or DRAM traffic; neither does a power-of-two scale instead of a fixed-point
 * one, nor fusing a layer with the residual ADD that follows it. Pruning removes the channel's cost.
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
        Random requant = new Random(20240615L);
        int checked = 0;
        for (Target t : targets()) {
            boolean bfp = t.name().startsWith("bfp");
            for (int n = 0; n < CASES; n++) {
                Workload w = randomWorkload(rnd, requant, bfp);
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
                assertNoMoreCost(t, w, w.with(li, l.withWeightBits(bits)), stats,
                        t.name() + " case " + n + " " + l + " channel " + c + " -> " + lower);
                checked++;
            }
        }
        assertTrue(checked > CASES * 3, "only " + checked + " cases checked");
    }

    @Test
    void loweringAnActivationOrAccumulatorWidthNeverCostsMore() {
        Random rnd = new Random(20240612L);
        int checked = 0;
        for (Target t : targets()) {
            boolean bfp = t.name().startsWith("bfp");
            for (int n = 0; n < CASES; n++) {
                Workload w = randomWorkload(rnd, rnd, bfp);
                int li = rnd.nextInt(w.size());
                Layer l = w.layer(li);
                Layer lowered;
                String what;
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        int in = atMost(rnd, l.actBits());
                        lowered = l.withActivationBits(in, l.outBits());
                        what = "input activations -> " + in;
                    }
                    case 1 -> {
                        int out = atMost(rnd, l.outBits());
                        lowered = l.withActivationBits(l.actBits(), out);
                        what = "output activations -> " + out;
                    }
                    default -> {
                        Requantization r = l.requantization();
                        int acc = 8 + rnd.nextInt(r.accumulatorBits() - 7);
                        lowered = l.op() == OpKind.POOL ? l
                                : l.withRequantization(new Requantization(r.form(), acc, r.fusedWithNextAdd()));
                        what = "accumulator -> " + acc;
                    }
                }
                // Static cost: activation statistics describe activations of the width they were measured at.
                assertNoMoreCost(t, w, w.with(li, lowered), ActivationStats.NONE,
                        t.name() + " case " + n + " " + l + " " + what);
                checked++;
            }
        }
        assertTrue(checked > CASES * 3, "only " + checked + " cases checked");
    }

    @Test
    void aPowerOfTwoScaleNeverCostsMoreThanAFixedPointOne() {
        Random rnd = new Random(20240613L);
        int checked = 0;
        for (Target t : targets()) {
            boolean bfp = t.name().startsWith("bfp");
            for (int n = 0; n < CASES; n++) {
                Workload w = randomWorkload(rnd, rnd, bfp);
                int li = rnd.nextInt(w.size());
                Layer l = w.layer(li);
                if (l.op() == OpKind.POOL) {
                    continue;
                }
                Requantization r = l.requantization();
                Workload fixed = w.with(li, l.withRequantization(r.withForm(ScaleForm.FIXED_POINT)));
                Workload pot = w.with(li, l.withRequantization(r.withForm(ScaleForm.POWER_OF_TWO)));
                assertNoMoreCost(t, fixed, pot, randomStats(rnd, w), t.name() + " case " + n + " " + l);
                checked++;
            }
        }
        assertTrue(checked > CASES * 3, "only " + checked + " cases checked");
    }

    @Test
    void fusingALayerWithItsResidualAddNeverCostsMore() {
        Random rnd = new Random(20240614L);
        int checked = 0;
        for (Target t : targets()) {
            boolean bfp = t.name().startsWith("bfp");
            for (int n = 0; n < CASES; n++) {
                Workload w = randomWorkload(rnd, rnd, bfp);
                for (int i = 0; i + 1 < w.size(); i++) {
                    Layer l = w.layer(i);
                    if (!fusable(l, w.layer(i + 1)) || l.requantization().fusedWithNextAdd()) {
                        continue;
                    }
                    // The same requantization for the layer and its ADD, fused or not.
                    Requantization r = l.requantization();
                    Workload unfused = w.with(i + 1, w.layer(i + 1).withRequantization(r));
                    Workload fused = unfused.with(i, l.withRequantization(r.withFusedNextAdd(true)));
                    assertNoMoreCost(t, unfused, fused, randomStats(rnd, w), t.name() + " case " + n + " " + l);
                    checked++;
                }
            }
        }
        assertTrue(checked > CASES, "only " + checked + " cases checked");
    }

    /** Cycles, energy and DRAM bytes of {@code after} are at most those of {@code before}, with and without stalls. */
    private static void assertNoMoreCost(Target t, Workload before, Workload after, ActivationStats stats,
                                         String what) {
        for (boolean ideal : new boolean[] {false, true}) {
            SimulationReport b = t.simulate(before, stats, ideal);
            SimulationReport a = t.simulate(after, stats, ideal);
            String where = what + (ideal ? " (ideal memory)" : "");
            assertTrue(a.totalCycles() <= b.totalCycles(), where + ": cycles " + b.totalCycles() + " -> "
                    + a.totalCycles());
            assertTrue(a.energyPj() <= b.energyPj() * (1 + 1e-12), where + ": energy " + b.energyPj() + " -> "
                    + a.energyPj());
            assertTrue(a.dramBytes() <= b.dramBytes(), where + ": DRAM bytes " + b.dramBytes() + " -> "
                    + a.dramBytes());
        }
    }

    /** A random width in 1..bits. */
    private static int atMost(Random rnd, int bits) {
        return 1 + rnd.nextInt(bits);
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

    /**
     * One to four conv/depthwise/FC layers of random shapes and precisions from {@code rnd}, some followed by an
     * ADD; every layer with a random requantization from {@code requant} (form, accumulator width, and fusion into
     * its ADD where shapes allow). Two streams, so that the shapes and precisions stay those drawn before
     * requantization was costed.
     */
    private static Workload randomWorkload(Random rnd, Random requant, boolean bfp) {
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
            l = l.withWeightBits(bits).withActivationBits(act, act)
                    .withRequantization(randomRequantization(requant, bfp));
            if (bfp) {
                l = l.withBfp(new int[] {8, 16, 32}[rnd.nextInt(3)], new int[] {0, 16}[rnd.nextInt(2)], 8);
            }
            if (rnd.nextInt(4) == 0) {
                Layer add = Layer.add("add_" + i, h, h, l.outC())
                        .withRequantization(randomRequantization(requant, bfp));
                if (fusable(l, add) && requant.nextBoolean()) {
                    l = l.withRequantization(l.requantization().withFusedNextAdd(true));
                }
                layers.add(l);
                layers.add(add);
            } else {
                layers.add(l);
            }
        }
        return new Workload("random", layers);
    }

    /** A random form (block only on a BFP target) and accumulator width, unfused. */
    private static Requantization randomRequantization(Random rnd, boolean bfp) {
        ScaleForm form = ScaleForm.values()[rnd.nextInt(bfp ? 3 : 2)];
        return new Requantization(form, new int[] {12, 16, 24, 32}[rnd.nextInt(4)], false);
    }

    /** Whether {@code l}'s output could be fused into {@code next}: an ADD of its output shape. */
    private static boolean fusable(Layer l, Layer next) {
        return l.op().hasWeights() && next.op() == OpKind.ADD && next.outH() == l.outH() && next.outW() == l.outW()
                && next.outC() == l.outC();
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
