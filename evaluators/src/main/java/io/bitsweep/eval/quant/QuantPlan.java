package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Assignment} resolved against a model: every quantizable layer (docs/MODELS.md) with one parsed weight
 * format per output channel and its output activation format, and the output format of every ADD the assignment
 * names ({@code addOutputs}; the others write the default activations). Resolution is where user mistakes are
 * caught, each as one line naming the layer and the allowed values: unknown layer names, weights given to an ADD,
 * wrong channel counts, a model_sha256 of another model. (Spec strings were parsed when the assignment was read.)
 */
public record QuantPlan(Assignment assignment, Map<String, LayerPlan> layers, Map<String, NumberFormat> addOutputs) {

    /** One quantizable layer's formats. */
    public record LayerPlan(Op op, NumberFormat[] weights, NumberFormat activations) {
        public boolean isPruned(int channel) {
            return weights[channel].spec().equals("pruned");
        }

        /**
         * True if the layer runs on block arithmetic rather than the int8 kernels (docs/BLOCK-ARITHMETIC.md): it
         * reads a block-format input, or a channel's weights are a block format or wider than 8 bits.
         */
        public boolean runsOnBlockArithmetic(NumberFormat input) {
            return input instanceof BlockFormat || Arrays.stream(weights).anyMatch(
                    w -> w instanceof BlockFormat || w instanceof IntFormat i && i.bits() > 8);
        }
    }

    /** The format of the activations an op writes: its layer's, its ADD entry's, else the default activations. */
    public NumberFormat outputFormat(Op op) {
        LayerPlan lp = layers.get(op.name());
        if (lp != null) {
            return lp.activations();
        }
        return addOutputs.getOrDefault(op.name(), assignment.defaultActivations());
    }

    public static QuantPlan resolve(Assignment a, Model model, String source) {
        if (a.modelSha256() != null && !a.modelSha256().equalsIgnoreCase(model.sha256())) {
            throw new BitSweepException(source + ": model_sha256 " + a.modelSha256() + " does not match model "
                    + model.source() + " (sha256 " + model.sha256() + ")");
        }
        List<Op> quantizable = model.quantizableLayers();
        List<String> names = quantizable.stream().map(Op::name).toList();
        List<String> adds = model.ops().stream().filter(op -> op.type() == OpType.ADD).map(Op::name).toList();
        Map<String, NumberFormat> addOutputs = new LinkedHashMap<>();
        for (Map.Entry<String, Assignment.Layer> e : a.layers().entrySet()) {
            String name = e.getKey();
            if (adds.contains(name)) {
                if (e.getValue().weights() != null) {
                    throw new BitSweepException(source + ": layers." + name + ".weights: " + name + " is an ADD, it"
                            + " has no weights (allowed for an ADD: activations)");
                }
                if (e.getValue().activations() != null) {
                    addOutputs.put(name, e.getValue().activations());
                }
            } else if (!names.contains(name)) {
                throw new BitSweepException(source + ": layers." + name + ": unknown layer of " + model.source()
                        + " (allowed: " + String.join(", ", names)
                        + (adds.isEmpty() ? "" : "; ADDs, activations only: " + String.join(", ", adds)) + ")");
            }
        }
        Map<String, LayerPlan> plans = new LinkedHashMap<>();
        for (Op op : quantizable) {
            Assignment.Layer l = a.layers().get(op.name());
            int channels = model.outputChannels(op);
            NumberFormat[] w = new NumberFormat[channels];
            String field = source + ": layers." + op.name();
            if (l == null || l.weights() == null) {
                Arrays.fill(w, a.defaultWeights());
            } else if (!l.perChannel()) {
                Arrays.fill(w, l.weights().get(0));
            } else {
                if (l.weights().size() != channels) {
                    throw new BitSweepException(field + ".weights: " + l.weights().size() + " channel formats for "
                            + channels + " output channels (allowed: one spec string, or an array of exactly "
                            + channels + ")");
                }
                w = l.weights().toArray(NumberFormat[]::new);
            }
            NumberFormat act = l == null || l.activations() == null ? a.defaultActivations() : l.activations();
            plans.put(op.name(), new LayerPlan(op, w, act));
        }
        return new QuantPlan(a, plans, Map.copyOf(addOutputs));
    }
}
