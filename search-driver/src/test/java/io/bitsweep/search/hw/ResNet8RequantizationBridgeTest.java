package io.bitsweep.search.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.QuantPlan;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.OpKind;
import io.bitsweep.hwsim.RequantPoint;
import io.bitsweep.hwsim.ScaleForm;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requantization through the bridge, on the real IC ResNet-8 model: the points and elements of the workload that
 * {@code bitsweep hwsim} and the search cost, unfused and fused, against a count taken independently from the model's
 * op list (output tensor shapes; the fused pairs as {@code bitsweep inspect} shows them, docs/ASSIGNMENT.md); the
 * scale form of every layer for a few assignments; and MPIC's MAC-layer cycles, still MACs / 2.1.
 */
class ResNet8RequantizationBridgeTest {
    /** The fused pairs read off {@code bitsweep inspect}: each ADD's activation-free, single-reader, later conv. */
    private static final Map<String, String> FUSED = Map.of("add_0", "conv_2d_2", "add_1", "conv_2d_5", "add_2",
            "conv_2d_8");
    private static Model resnet8;

    @BeforeAll
    static void load() {
        resnet8 = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
    }

    private static Workload workload(String json) {
        Assignment a = AssignmentJson.parse("{\"schema\": \"bitsweep.assignment/1\", " + json + "}", "a.json");
        return WorkloadAdapter.build(resnet8, LayerPrecisions.of(resnet8, QuantPlan.resolve(a, resnet8, "a.json")));
    }

    private static Workload uniform(String weights, String activations, QuantSettings.Fusion fusion) {
        Assignment a = Assignment.parseUniform("w=" + weights + ",a=" + activations);
        a = a.withSettings(a.settings().withFusion(fusion));
        return WorkloadAdapter.build(resnet8, LayerPrecisions.of(resnet8, QuantPlan.resolve(a, resnet8, "a")));
    }

    /**
     * Points and elements per layer from the op list: a conv/FC requantizes its output; an ADD rescales its two
     * inputs and requantizes its output; fused, the conv aligns the shortcut and requantizes the sum, and its ADD
     * has nothing left to do; pools, reshape and softmax keep or set their scale without rescaling.
     */
    private static Map<String, long[]> handCount(boolean fused) {
        Map<String, long[]> pointsAndElements = new HashMap<>();
        for (Op op : resnet8.ops()) {
            long n = resnet8.output(op).elementCount();
            switch (op.type()) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> pointsAndElements.put(op.name(),
                        fused && FUSED.containsValue(op.name()) ? new long[] {2, 2 * n} : new long[] {1, n});
                case ADD -> pointsAndElements.put(op.name(),
                        fused && FUSED.containsKey(op.name()) ? new long[] {0, 0} : new long[] {3, 3 * n});
                default -> { }
            }
        }
        return pointsAndElements;
    }

    @Test
    void pointsAndElementsMatchTheCountFromTheOpList() {
        for (boolean fused : new boolean[] {false, true}) {
            Workload w = uniform("int8", "int8:asym", fused ? QuantSettings.Fusion.RESIDUAL : QuantSettings.Fusion.NONE);
            Map<String, long[]> expected = handCount(fused);
            long points = 0;
            long elements = 0;
            for (int i = 0; i < w.size(); i++) {
                String name = w.layer(i).name();
                List<RequantPoint> p = w.requantPoints(i);
                long[] e = expected.getOrDefault(name, new long[] {0, 0});
                assertEquals(e[0], p.size(), (fused ? "fused " : "") + name + " points");
                assertEquals(e[1], p.stream().mapToLong(RequantPoint::elements).sum(), name + " elements");
                points += e[0];
                elements += e[1];
                if (fused && FUSED.containsKey(name)) {
                    assertEquals(FUSED.get(name), w.layer(i - 1).name(), name + " follows its fused conv");
                    assertTrue(w.addDoneByPreviousLayer(i), name);
                }
            }
            assertEquals(points, w.requantPointCount());
            assertEquals(elements, w.requantizedElements());
            // The hand count of docs/HWSIM.md's worked example.
            assertEquals(fused ? 13 : 19, w.requantPointCount());
            assertEquals(fused ? 114_698 : 172_042, w.requantizedElements());
        }
    }

    @Test
    void everyLayerTakesTheScaleFormOfTheFormatsItRescalesBetween() {
        Workload fixed = uniform("int8", "int8:asym", QuantSettings.Fusion.NONE);
        Workload pot = uniform("int8:pot", "int8:asym:pot", QuantSettings.Fusion.NONE);
        Workload potFused = uniform("int8:pot", "int8:asym:pot", QuantSettings.Fusion.RESIDUAL);
        for (Workload w : List.of(fixed, pot, potFused)) {
            for (Layer l : w.layers()) {
                if (l.op() == OpKind.POOL) {
                    continue;
                }
                // The model input is int8:asym with a calibrated scale: the first conv always needs a multiplier.
                ScaleForm expected = w == fixed || l.name().equals("conv_2d_0") ? ScaleForm.FIXED_POINT
                        : ScaleForm.POWER_OF_TWO;
                assertEquals(expected, l.requantization().form(), l.name());
                assertEquals(32, l.requantization().accumulatorBits(), l.name());
                assertEquals(w == potFused && FUSED.containsValue(l.name()), l.requantization().fusedWithNextAdd(),
                        l.name());
            }
        }
        // One float-scaled operand is enough for a multiplier: conv_2d_1's float weights, the shortcut of the fused
        // conv_2d_2 (conv_2d_0's int8:asym output); add_0's output is the default int8:asym:pot, so what reads it
        // shifts again.
        Workload mixed = workload("\"defaults\": {\"weights\": \"int8:pot\", \"activations\": \"int8:asym:pot\"}, "
                + "\"layers\": {\"conv_2d_0\": {\"activations\": \"int8:asym\"}, \"conv_2d_1\": {\"weights\": \"int8\"},"
                + " \"add_2\": {\"activations\": \"bfp:m8:b16\"}}, \"fusion\": \"residual\"");
        Map<String, ScaleForm> forms = new HashMap<>();
        mixed.layers().stream().filter(l -> l.op() != OpKind.POOL)
                .forEach(l -> forms.put(l.name(), l.requantization().form()));
        assertEquals(ScaleForm.FIXED_POINT, forms.get("conv_2d_1"));
        assertEquals(ScaleForm.FIXED_POINT, forms.get("conv_2d_2"), "fused: its shortcut is conv_2d_0's output");
        assertEquals(ScaleForm.POWER_OF_TWO, forms.get("conv_2d_3"), "reads add_0's int8:asym:pot output");
        assertEquals(ScaleForm.POWER_OF_TWO, forms.get("conv_2d_4"));
        assertEquals(ScaleForm.POWER_OF_TWO, forms.get("conv_2d_5"), "fused: add_0, conv_2d_4, add_1 all pot");
        assertEquals(ScaleForm.POWER_OF_TWO, forms.get("conv_2d_6"));
        assertEquals(ScaleForm.BLOCK, forms.get("conv_2d_8"), "fused into add_2, which writes bfp");
        assertEquals(ScaleForm.FIXED_POINT, forms.get("fully_connected_0"),
                "reads add_2's block output through the pool (carried as int8:asym)");
    }

    @Test
    void mpicMacLayersStillTakeMacsOver21WithRequantizationOn() {
        for (Workload w : List.of(uniform("int8", "int8:asym", QuantSettings.Fusion.NONE),
                uniform("int8:pot", "int8:asym:pot", QuantSettings.Fusion.RESIDUAL))) {
            SimulationReport r = Targets.load("mpic").simulate(w);
            long macLayerCycles = 0;
            long expected = 0;
            for (Layer l : w.layers()) {
                if (l.op().hasWeights()) {
                    macLayerCycles += r.layer(l.name()).computeCycles();
                    expected += (long) Math.ceil(l.activeChannels() * l.macsPerChannel() / 2.1);
                }
            }
            assertEquals(5_953_165, expected);
            assertEquals(expected, macLayerCycles);
            assertTrue(r.requantCycles() > 0);
            assertFalse(r.totalCycles() == macLayerCycles);
        }
    }
}
