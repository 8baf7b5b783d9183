package io.bitsweep.eval.model;

import java.util.Arrays;

/**
 * One op of the IR, in execution order. Inputs and outputs are indices into {@link Model#tensors()}; an absent
 * optional input (e.g. a convolution without bias) is {@link #ABSENT}.
 *
 * <p>Input conventions (as in TFLite): CONV_2D [input, weights [Cout,kh,kw,Cin], bias [Cout]];
 * DEPTHWISE_CONV_2D [input, weights [1,kh,kw,Cout], bias [Cout]]; FULLY_CONNECTED [input, weights [out,in], bias
 * [out]]; ADD and MUL [a, b]; CONCATENATION [x0, x1, ...]; RESHAPE [input, (shape)]; PAD [input, (paddings)];
 * MEAN [input, (axes)]; the others [input].
 */
public record Op(String name, OpType type, int[] inputs, int[] outputs, OpOptions options) {
    public static final int ABSENT = -1;

    public Op {
        inputs = inputs.clone();
        outputs = outputs.clone();
    }

    @Override
    public int[] inputs() {
        return inputs.clone();
    }

    @Override
    public int[] outputs() {
        return outputs.clone();
    }

    /** Tensor index of input {@code i}, or {@link #ABSENT} if the op has fewer inputs or the input is omitted. */
    public int input(int i) {
        return i < inputs.length ? inputs[i] : ABSENT;
    }

    public int inputCount() {
        return inputs.length;
    }

    /** Tensor index of the (single) output. */
    public int output() {
        return outputs[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Op op && name.equals(op.name) && type == op.type
                && Arrays.equals(inputs, op.inputs) && Arrays.equals(outputs, op.outputs)
                && options.equals(op.options);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name + " (" + type + ")";
    }
}
