package io.bitsweep.eval.quant;

import io.bitsweep.eval.engine.exact.BlockLayer;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.model.Model;
import java.util.Map;

/**
 * A float model quantized by a {@link QuantPlan}: an integer IR model (int8 containers holding codes of 2..8 bits,
 * per-channel weight scales, int32 biases, per-tensor activation scale and zero point) that the exact engine runs,
 * plus what the IR cannot say: each activation tensor's code range (e.g. [-8, 7] for int4), the pruned channels of
 * each layer, which are not computed, and the layers that run on block arithmetic (BFP/MX weights or inputs, and
 * int9..int16 weights next to them) with their integer weights, and the residual ADDs fused into the layer that
 * feeds them ({@code fusion: residual}: ADD name to layer name, in execution order; empty otherwise).
 */
public record QuantizedModel(Model model, Map<Integer, int[]> codeRanges, Map<String, boolean[]> pruned,
        Map<String, BlockLayer> blockLayers, Map<String, String> residualFusions, ExactOptions options) {

    public QuantizedModel withOptions(ExactOptions o) {
        return new QuantizedModel(model, codeRanges, pruned, blockLayers, residualFusions, o);
    }
}
