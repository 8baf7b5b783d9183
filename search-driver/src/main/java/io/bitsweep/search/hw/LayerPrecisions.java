package io.bitsweep.search.hw;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.quant.QuantPlan;
import java.util.HashMap;
import java.util.Map;

/**
 * The precisions of a candidate as the search costs it and {@code bitsweep hwsim --assignment} reports it: each
 * quantizable layer's per-channel weight formats ({@code pruned} = 0 bits) and output activation format; every other
 * op (add, pool) writes {@code int8}, and the model input is {@code int8} (the data are 8-bit; the exact engine reads
 * the input as {@code int8:asym}). Both the search's cost model and the CLI build workloads through this class, so
 * the same assignment costs the same on both paths.
 */
public final class LayerPrecisions implements WorkloadAdapter.Precisions {
    private static final NumberFormat INT8 = NumberFormat.parse("int8");

    private final Map<String, NumberFormat[]> weights;
    private final Map<String, NumberFormat> activations;

    /** @param weights per quantizable layer name, one format per output channel; activations per the same names */
    public LayerPrecisions(Map<String, NumberFormat[]> weights, Map<String, NumberFormat> activations) {
        this.weights = weights;
        this.activations = activations;
    }

    /** The formats of an assignment resolved against its model. */
    public static LayerPrecisions of(QuantPlan plan) {
        Map<String, NumberFormat[]> w = new HashMap<>();
        Map<String, NumberFormat> a = new HashMap<>();
        plan.layers().forEach((name, l) -> {
            w.put(name, l.weights());
            a.put(name, l.activations());
        });
        return new LayerPrecisions(w, a);
    }

    @Override
    public NumberFormat[] weights(Op op, int outputChannels) {
        NumberFormat[] f = weights.get(op.name());
        if (f == null) {
            throw new BitSweepException("layer " + op.name() + ": no weight formats given");
        }
        return f;
    }

    @Override
    public NumberFormat activations(Op op) {
        return activations.getOrDefault(op.name(), INT8);
    }

    @Override
    public NumberFormat modelInput() {
        return INT8;
    }
}
