package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/HWSIM.md ("Requantization: ResNet-8 on mpic"): ResNet-8's requantization points and
 * elements, unfused and with its residual ADDs fused, counted by hand from the model's op list
 * ({@link ResNet8Shapes#OPS}), against hw-sim's counts and MPIC cycles.
 */
class ResNet8RequantizationTest {
    private static final Target MPIC = Targets.load("mpic");

    /** Points and elements per kind of point, as counted by hand. */
    record Count(int points, Map<RequantPoint.Kind, Long> elements) {
        long total() {
            return elements.values().stream().mapToLong(Long::longValue).sum();
        }

        long of(RequantPoint.Kind kind) {
            return elements.getOrDefault(kind, 0L);
        }
    }

    /**
     * Which ADD the exact engine fuses into which layer (docs/ASSIGNMENT.md, "Which ADDs"): into the producer of
     * one of its inputs that is a conv/depthwise/FC without a fused ReLU whose output only this ADD reads; the later
     * one in execution order if both qualify.
     */
    static Map<String, String> fusedPairs() {
        Map<String, ResNet8Shapes.Op> byName = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        for (ResNet8Shapes.Op op : ResNet8Shapes.OPS) {
            byName.put(op.name(), op);
            for (String in : op.inputs()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (ResNet8Shapes.Op op : ResNet8Shapes.OPS) {
            if (!op.type().equals("ADD")) {
                continue;
            }
            String chosen = null;
            for (String in : op.inputs()) {
                ResNet8Shapes.Op producer = byName.get(in);
                boolean qualifies = producer != null && List.of("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
                        .contains(producer.type()) && !producer.relu() && readers.get(in) == 1;
                if (qualifies && (chosen == null
                        || ResNet8Shapes.OPS.indexOf(producer) > ResNet8Shapes.OPS.indexOf(byName.get(chosen)))) {
                    chosen = in;
                }
            }
            if (chosen != null) {
                pairs.put(op.name(), chosen);
            }
        }
        return pairs;
    }

    /**
     * The count from the op list: a conv/FC requantizes its output once; TFLite's ADD rescales both inputs and
     * requantizes its output; a fused pair aligns the shortcut and requantizes the sum once; pooling and reshape keep
     * their input's scale; softmax is not costed by hw-sim.
     */
    static Count handCount(boolean fused) {
        Map<String, String> pairs = fused ? fusedPairs() : Map.of();
        int points = 0;
        Map<RequantPoint.Kind, Long> elements = new HashMap<>();
        for (ResNet8Shapes.Op op : ResNet8Shapes.OPS) {
            long n = op.outputElements();
            switch (op.type()) {
                case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED" -> {
                    if (pairs.containsValue(op.name())) {
                        points += 2;
                        elements.merge(RequantPoint.Kind.SHORTCUT, n, Long::sum);
                    } else {
                        points += 1;
                    }
                    elements.merge(RequantPoint.Kind.OUTPUT, n, Long::sum);
                }
                case "ADD" -> {
                    if (!pairs.containsKey(op.name())) {
                        points += 3;
                        elements.merge(RequantPoint.Kind.ADD_INPUT, 2 * n, Long::sum);
                        elements.merge(RequantPoint.Kind.OUTPUT, n, Long::sum);
                    }
                }
                default -> { }
            }
        }
        return new Count(points, elements);
    }

    /** ResNet-8 with every layer requantizing in {@code form}, and the engine's residual pairs fused if asked. */
    static Workload described(ScaleForm form, boolean fused) {
        Workload base = ResNet8Shapes.workload();
        Map<String, String> pairs = fusedPairs();
        List<Layer> layers = new ArrayList<>();
        for (Layer l : base.layers()) {
            boolean host = fused && pairs.containsValue(l.name());
            layers.add(l.op() == OpKind.POOL ? l : l.withRequantization(new Requantization(form, 32, host)));
        }
        return new Workload(base.name(), layers);
    }

    private static Count hwSimCount(Workload w) {
        Map<RequantPoint.Kind, Long> elements = new HashMap<>();
        for (int i = 0; i < w.size(); i++) {
            for (RequantPoint p : w.requantPoints(i)) {
                elements.merge(p.kind(), p.elements(), Long::sum);
            }
        }
        return new Count(w.requantPointCount(), elements);
    }

    @Test
    void theEngineFusesEachResidualAddIntoTheConvWithoutReluThatOnlyItReads() {
        assertEquals(Map.of("add_0", "conv_2d_2", "add_1", "conv_2d_5", "add_2", "conv_2d_8"), fusedPairs());
    }

    @Test
    void handCountOfPointsAndElementsMatchesHwSimUnfusedAndFused() {
        Count unfused = handCount(false);
        Count fused = handCount(true);
        // 10 conv/FC outputs + 3 ADDs x 3 points; 86,026 conv/FC outputs + 3 x 28,672 ADD elements.
        assertEquals(19, unfused.points());
        assertEquals(172_042, unfused.total());
        // 7 unfused conv/FC + 3 fused units x 2 points; 57,354 + 2 x 28,672.
        assertEquals(13, fused.points());
        assertEquals(114_698, fused.total());
        for (ScaleForm form : List.of(ScaleForm.FIXED_POINT, ScaleForm.POWER_OF_TWO)) {
            assertEquals(unfused, hwSimCount(described(form, false)), form + " unfused");
            assertEquals(fused, hwSimCount(described(form, true)), form + " fused");
        }
        // Undescribed layers requantize as TFLite does, unfused.
        assertEquals(unfused, hwSimCount(ResNet8Shapes.workload()));
        Workload w = described(ScaleForm.FIXED_POINT, false);
        assertEquals(unfused.total(), w.requantizedElements());
        assertEquals(unfused.total(), MPIC.simulate(w).requantElements());
        assertEquals(fused.total(), MPIC.simulate(described(ScaleForm.FIXED_POINT, true)).requantElements());
    }

    @Test
    void mpicCyclesOfTheWorkedExample() {
        // Cycles per element on mpic (docs/HWSIM.md): output 9 fixed-point / 4 power-of-two, ADD input 8 / 2,
        // shortcut 8 / 3.
        Count u = handCount(false);
        Count f = handCount(true);
        long unfusedFixed = 9 * u.of(RequantPoint.Kind.OUTPUT) + 8 * u.of(RequantPoint.Kind.ADD_INPUT);
        long unfusedPot = 4 * u.of(RequantPoint.Kind.OUTPUT) + 2 * u.of(RequantPoint.Kind.ADD_INPUT);
        long fusedFixed = 9 * f.of(RequantPoint.Kind.OUTPUT) + 8 * f.of(RequantPoint.Kind.SHORTCUT);
        long fusedPot = 4 * f.of(RequantPoint.Kind.OUTPUT) + 3 * f.of(RequantPoint.Kind.SHORTCUT);
        assertEquals(1_491_034, unfusedFixed);
        assertEquals(573_480, unfusedPot);
        assertEquals(1_003_610, fusedFixed);
        assertEquals(430_120, fusedPot);
        assertEquals(unfusedFixed, MPIC.simulate(described(ScaleForm.FIXED_POINT, false)).requantCycles());
        assertEquals(unfusedPot, MPIC.simulate(described(ScaleForm.POWER_OF_TWO, false)).requantCycles());
        assertEquals(fusedFixed, MPIC.simulate(described(ScaleForm.FIXED_POINT, true)).requantCycles());
        assertEquals(fusedPot, MPIC.simulate(described(ScaleForm.POWER_OF_TWO, true)).requantCycles());

        // Compute: the MACs (MACs / 2.1 per layer), the ADDs (one cycle per element, gone when fused), the pool.
        SimulationReport unfused = MPIC.simulate(described(ScaleForm.FIXED_POINT, false));
        SimulationReport fused = MPIC.simulate(described(ScaleForm.POWER_OF_TWO, true));
        assertEquals(5_953_165 + 28_672 + 4_096, unfused.computeCycles());
        assertEquals(5_953_165 + 4_096, fused.computeCycles());
        assertEquals(7_476_967, unfused.totalCycles());
        assertEquals(6_387_381, fused.totalCycles());
        assertEquals(unfused.totalCycles() * 21.5, unfused.energyPj(), 1e-6);
        // Fusion also removes the conv outputs' write and one ADD input read: 2 x 28,672 int8 bytes.
        assertEquals(unfused.sramBytes() - 2 * 28_672, fused.sramBytes());
    }
}
