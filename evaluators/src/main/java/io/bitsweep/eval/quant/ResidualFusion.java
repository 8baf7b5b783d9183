package io.bitsweep.eval.quant;

import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which residual ADDs {@code fusion: residual} fuses, and into which layer (docs/ASSIGNMENT.md, "Residual fusion").
 * An ADD input can be fused when it is produced by a CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED that
 * <ul>
 *   <li>has no fused activation (a ReLU between the accumulator and the ADD would change the sum),</li>
 *   <li>runs on the int8 kernels (block-format layers keep the unfused ADD: their accumulator counts other units),</li>
 *   <li>and whose output is read by this ADD only, once, and is not a model output.</li>
 * </ul>
 * If both inputs can be, the one produced later in execution order is fused: the other (the shortcut) is then
 * already computed where the layer stands, as in a dataflow that finishes the block with that layer.
 *
 * <p>The pairs follow from the model and the assignment's formats alone, so a cost model can know them without
 * calibrating: {@link #of} is what {@link ProgramSpecBuilder} puts into {@code ProgramSpec.residualFusions()}.
 */
public final class ResidualFusion {
    private ResidualFusion() {}

    /**
     * The ADDs the exact engine fuses for this plan (none unless its fusion is {@code residual}): ADD name to the
     * name of the layer it is fused into, in execution order.
     */
    public static Map<String, String> of(Model model, QuantPlan plan) {
        if (plan.assignment().settings().fusion() != QuantSettings.Fusion.RESIDUAL) {
            return Map.of();
        }
        Map<Integer, NumberFormat> formats = ProgramSpecBuilder.activationFormats(model, plan);
        Set<String> blockLayers = new HashSet<>();
        plan.layers().forEach((name, lp) -> {
            if (lp.runsOnBlockArithmetic(formats.get(lp.op().input(0)))) {
                blockLayers.add(name);
            }
        });
        return fusions(model, blockLayers);
    }

    /** ADD name to the name of the layer it is fused into, in execution order. */
    private static Map<String, String> fusions(Model model, Set<String> blockLayers) {
        Map<Integer, Integer> reads = new HashMap<>();
        Map<Integer, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < model.ops().size(); i++) {
            Op op = model.ops().get(i);
            for (int t : op.inputs()) {
                reads.merge(t, 1, Integer::sum);
            }
            producerIndex.put(op.output(), i);
        }
        for (int t : model.outputIndices()) {
            reads.merge(t, 1, Integer::sum);
        }
        Map<String, String> fused = new LinkedHashMap<>();
        for (Op add : model.ops()) {
            if (add.type() != OpType.ADD || add.inputCount() != 2
                    || model.input(add, 0).elementCount() != model.input(add, 1).elementCount()) {
                continue;
            }
            Op best = null;
            int bestIndex = -1;
            for (int k = 0; k < 2; k++) {
                Integer p = producerIndex.get(add.input(k));
                if (p == null) {
                    continue;
                }
                Op layer = model.ops().get(p);
                boolean fusable = layer.type().isQuantizable() && !blockLayers.contains(layer.name())
                        && layer.options().activation() == Activation.NONE && reads.get(layer.output()) == 1;
                if (fusable && p > bestIndex) {
                    best = layer;
                    bestIndex = p;
                }
            }
            if (best != null) {
                fused.put(add.name(), best.name());
            }
        }
        return fused;
    }
}
