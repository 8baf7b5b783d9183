package io.bitsweep.eval.fuzz;

import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.Tensor;

/**
 * What the model readers' fuzz targets do with a model that loads: it must also be usable, so reading what
 * {@code bitsweep inspect} shows and, when its activations are small, compiling it with the float engine must throw
 * nothing but the one-line error.
 */
public final class ModelUse {
    /**
     * Compile only models whose activations total at most this many floats. A model may rightly declare huge
     * activations in a few bytes (a 1x1 convolution over a 40000x40000 input): running it needs that memory, which
     * is not a reader bug, so it is left out of the allocation budget rather than compiled.
     */
    private static final long COMPILED_ACTIVATION_FLOATS = 1 << 21;

    private ModelUse() {}

    public static void use(Model model) {
        readEverythingInspectShows(model);
        long activations = 0;
        for (Tensor t : model.tensors()) {
            activations += t.isConstant() ? 0 : t.elementCount();
        }
        if (activations <= COMPILED_ACTIVATION_FLOATS) {
            FloatEngine.compile(model);
        }
    }

    /**
     * What {@code bitsweep inspect} (search-driver) reads of a model: its identity, input and output with their
     * quantization, every op's first input, output, weights, parameter and MAC counts, activation and quantization
     * granularity, and the totals.
     */
    private static void readEverythingInspectShows(Model m) {
        String.valueOf(m.source() + m.sha256() + m.input().describe() + m.input().quant() + m.output().describe()
                + m.output().quant());
        for (Op op : m.ops()) {
            String.valueOf(m.input(op, 0).describe() + m.output(op).describe() + op.options().activation()
                    + m.output(op).quant().map(q -> q.isPerChannel() ? q.count() : 1));
            if (op.type().isQuantizable()) {
                Tensor w = m.weights(op);
                String.valueOf(w.describe() + w.dtype().label() + m.paramCount(op) + m.macs(op)
                        + w.quant().map(q -> q.isPerChannel() ? q.count() : 1));
            }
        }
        String.valueOf(m.quantizableLayers().size() + m.totalParams() + m.totalMacs());
    }
}
