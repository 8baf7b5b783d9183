package io.bitsweep.eval.export.c;

import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of an exported program in the exact engine's order: every op that computes something, a layer with a
 * residual ADD fused into it at the ADD's place, RESHAPE as an alias of its input's buffer, and a float QUANTIZE on
 * the model input or DEQUANTIZE on its output left to the caller (the library takes and gives the int8 tensors).
 */
final class Schedule {
    /**
     * One step: {@code op} computes {@code output} from {@code inputs}; {@code fusedLayer} is the layer an ADD is
     * fused into (then {@code op} is the ADD and the layer runs here), else null.
     */
    record Step(Op op, Op fusedLayer, List<Integer> inputs, int output) {}

    private final List<Step> steps = new ArrayList<>();
    /** Tensor to the tensor whose buffer it shares (RESHAPE outputs), transitively resolved. */
    private final Map<Integer, Integer> aliases = new HashMap<>();
    private final int input;
    private final int output;

    Schedule(ProgramSpec spec) {
        Model model = spec.model();
        Set<String> fused = spec.fusedLayers();
        int in = model.input().index();
        int out = model.output().index();
        for (Op op : model.ops()) {
            if (fused.contains(op.name())) {
                continue;
            }
            String fusedLayer = op.type() == OpType.ADD ? spec.op(op.name()).fusedLayer() : null;
            switch (op.type()) {
                case RESHAPE -> aliases.put(op.output(), buffer(op.input(0)));
                case QUANTIZE -> {
                    if (model.input(op, 0).dtype() == DType.FLOAT32) {
                        in = op.output();
                    } else {
                        steps.add(new Step(op, null, List.of(buffer(op.input(0))), op.output()));
                    }
                }
                case DEQUANTIZE -> out = op.input(0);
                case ADD -> {
                    if (fusedLayer != null) {
                        Op layer = model.op(fusedLayer).orElseThrow();
                        int shortcut = op.input(0) == layer.output() ? op.input(1) : op.input(0);
                        steps.add(new Step(op, layer, List.of(buffer(layer.input(0)), buffer(shortcut)),
                                op.output()));
                    } else {
                        steps.add(new Step(op, null, List.of(buffer(op.input(0)), buffer(op.input(1))),
                                op.output()));
                    }
                }
                default -> steps.add(new Step(op, null, List.of(buffer(op.input(0))), op.output()));
            }
        }
        this.input = buffer(in);
        this.output = buffer(out);
    }

    List<Step> steps() {
        return steps;
    }

    /** The tensor whose buffer holds {@code tensor} (itself, unless it is a RESHAPE's output). */
    int buffer(int tensor) {
        return aliases.getOrDefault(tensor, tensor);
    }

    /** The int8 tensor the library takes. */
    int input() {
        return input;
    }

    /** The int8 tensor the library gives. */
    int output() {
        return output;
    }
}
