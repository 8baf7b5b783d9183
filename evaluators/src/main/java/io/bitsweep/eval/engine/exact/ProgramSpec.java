package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the exact engine runs, as one value: an integer model IR (int8 containers holding codes of 2..8 bits,
 * per-channel weight scales, int32 biases, per-tensor activation scales and zero points), how the engine rounds and
 * accumulates, and per op what the IR cannot say ({@link OpSpec}). The quantizer builds one from a float model and
 * an assignment; an int8 TFLite model runs as it is with {@link #of(Model, ExactOptions)}. {@link IntegerProgram}
 * compiles it, and exporters read the same value, so what was scored and what is deployed cannot drift.
 *
 * <p>Arrays inside are shared, not copied: treat them as read-only.
 */
public record ProgramSpec(Model model, ExactOptions options, Map<String, OpSpec> ops) {

    /**
     * One op beyond the IR; every field may be null, meaning "as the IR says".
     *
     * @param weightFormats one weight format per output channel (quantizable layers of a quantized float model)
     * @param outputFormat  the format of the activations the op writes
     * @param outputCodes   the code range of the op's output when its format is narrower than int8 (e.g. [-8, 7] for
     *                      int4); outputs are clamped to it
     * @param pruned        the output channels not computed (they output the zero point)
     * @param block         the layer runs on block arithmetic (docs/BLOCK-ARITHMETIC.md) instead of the int8 kernels;
     *                      its IR weights and bias are then not used
     * @param fusedLayer    on an ADD: the int8 CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED (without fused activation,
     *                      its output read by nothing else) whose accumulator the ADD's other input is added into, with
     *                      one requantization to the ADD's output (docs/ASSIGNMENT.md, "Residual fusion"); the layer
     *                      runs at the ADD's place and its own output tensor is never computed
     */
    public record OpSpec(List<NumberFormat> weightFormats, NumberFormat outputFormat, CodeRange outputCodes,
            boolean[] pruned, BlockLayer block, String fusedLayer) {
        public static final OpSpec NONE = new OpSpec(null, null, null, null, null, null);

        public OpSpec {
            weightFormats = weightFormats == null ? null : List.copyOf(weightFormats);
        }

        public OpSpec withFusedLayer(String layer) {
            return new OpSpec(weightFormats, outputFormat, outputCodes, pruned, block, layer);
        }

        /** True if channel {@code c} is pruned. */
        public boolean isPruned(int c) {
            return pruned != null && pruned[c];
        }
    }

    /** The codes a tensor's format allows, {@code [min, max]} within int8. */
    public record CodeRange(int min, int max) {
        public static final CodeRange INT8 = new CodeRange(-128, 127);
    }

    public ProgramSpec {
        ops = Collections.unmodifiableMap(new LinkedHashMap<>(ops));
    }

    /** An int8 model as it is: nothing beyond the IR. */
    public static ProgramSpec of(Model int8Model, ExactOptions options) {
        return new ProgramSpec(int8Model, options, Map.of());
    }

    public ProgramSpec withOptions(ExactOptions o) {
        return new ProgramSpec(model, o, ops);
    }

    /** The op's spec; {@link OpSpec#NONE} if it has none. */
    public OpSpec op(String name) {
        return ops.getOrDefault(name, OpSpec.NONE);
    }

    /** The residual ADDs fused into the layer feeding them: ADD name to layer name, in execution order. */
    public Map<String, String> residualFusions() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Op op : model.ops()) {
            String layer = op(op.name()).fusedLayer();
            if (layer != null) {
                out.put(op.name(), layer);
            }
        }
        return out;
    }

    /** The layers that run at the place of the ADD fused into them. */
    public Set<String> fusedLayers() {
        return ops.values().stream().map(OpSpec::fusedLayer).filter(Objects::nonNull)
                .collect(Collectors.toSet());
    }
}
