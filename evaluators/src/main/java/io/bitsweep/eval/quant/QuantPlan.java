package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Assignment} resolved against a model: every quantizable layer (docs/MODELS.md) with one parsed weight
 * format per output channel and its output activation format. Resolution is where user mistakes are caught, each
 * as one line naming the layer and the allowed values: unknown layer names, wrong channel counts, a model_sha256 of
 * another model. (Spec strings were parsed when the assignment was read.)
 */
public record QuantPlan(Assignment assignment, Map<String, LayerPlan> layers) {

    /** One quantizable layer's formats. */
    public record LayerPlan(Op op, NumberFormat[] weights, NumberFormat activations) {
        public boolean isPruned(int channel) {
            return weights[channel].spec().equals("pruned");
        }
    }

    public static QuantPlan resolve(Assignment a, Model model, String source) {
        if (a.modelSha256() != null && !a.modelSha256().equalsIgnoreCase(model.sha256())) {
            throw new BitSweepException(source + ": model_sha256 " + a.modelSha256() + " does not match model "
                    + model.source() + " (sha256 " + model.sha256() + ")");
        }
        List<Op> quantizable = model.quantizableLayers();
        List<String> names = quantizable.stream().map(Op::name).toList();
        for (String name : a.layers().keySet()) {
            if (!names.contains(name)) {
                throw new BitSweepException(source + ": layers." + name + ": unknown layer of " + model.source()
                        + " (allowed: " + String.join(", ", names) + ")");
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
        return new QuantPlan(a, plans);
    }
}
