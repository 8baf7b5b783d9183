package io.bitsweep.search.hw;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.quant.ProgramSpecBuilder;
import io.bitsweep.eval.quant.QuantPlan;
import io.bitsweep.eval.quant.ResidualFusion;
import java.util.Map;

/**
 * The precisions of an assignment as the exact engine runs it, for hw-sim: each quantizable layer's per-channel
 * weight formats ({@code pruned} = 0 bits), the format every op writes and the model input's
 * ({@link ProgramSpecBuilder#activationFormats}: {@code int8:asym} for the input, a layer's or ADD's own format, else
 * the assignment's default activations), and the residual ADDs the engine fuses ({@link ResidualFusion#of}). The
 * search's cost model ({@code HwCostModel}) and {@code bitsweep hwsim} both build workloads through this class, so
 * the same assignment costs the same on both paths and is costed as it is scored.
 */
public final class LayerPrecisions implements WorkloadAdapter.Precisions {
    private final Model model;
    private final QuantPlan plan;
    private final Map<Integer, NumberFormat> formats;
    private final Map<String, String> fusions;

    private LayerPrecisions(Model model, QuantPlan plan) {
        this.model = model;
        this.plan = plan;
        this.formats = ProgramSpecBuilder.activationFormats(model, plan);
        this.fusions = ResidualFusion.of(model, plan);
    }

    /** The formats of an assignment resolved against its model. */
    public static LayerPrecisions of(Model model, QuantPlan plan) {
        return new LayerPrecisions(model, plan);
    }

    @Override
    public NumberFormat[] weights(Op op, int outputChannels) {
        QuantPlan.LayerPlan lp = plan.layers().get(op.name());
        if (lp == null) {
            throw new BitSweepException("layer " + op.name() + ": no weight formats given");
        }
        return lp.weights();
    }

    @Override
    public NumberFormat activations(Op op) {
        return formats.get(op.output());
    }

    @Override
    public NumberFormat modelInput() {
        return formats.get(model.input().index());
    }

    @Override
    public Map<String, String> residualFusions() {
        return fusions;
    }
}
