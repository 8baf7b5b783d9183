package io.bitsweep.eval.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An imported model: tensors, ops in execution order with stable layer names ({@code conv_2d_0}, ...; docs/MODELS.md),
 * and the model's input and output tensors. Immutable. Shapes are static with batch 1.
 */
public final class Model {
    private final String source;
    private final String sha256;
    private final List<Tensor> tensors;
    private final List<Op> ops;
    private final int[] inputs;
    private final int[] outputs;
    private final TensorLayout inputLayout;
    private final Map<String, Op> opsByName;

    /** A model whose file declares NHWC (TFLite). */
    public Model(String source, String sha256, List<Tensor> tensors, List<Op> ops, int[] inputs, int[] outputs) {
        this(source, sha256, tensors, ops, inputs, outputs, TensorLayout.NHWC);
    }

    /**
     * @param source where the model came from (the file name), for messages
     * @param sha256 hex SHA-256 of the model file (run.json's sha256.model, docs/RUN-STORE.md)
     * @param inputLayout the layout the file declares for its input (the IR is NHWC either way)
     */
    public Model(String source, String sha256, List<Tensor> tensors, List<Op> ops, int[] inputs, int[] outputs,
            TensorLayout inputLayout) {
        this.source = source;
        this.inputLayout = inputLayout;
        this.sha256 = sha256;
        this.tensors = List.copyOf(tensors);
        this.ops = List.copyOf(ops);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        Map<String, Op> byName = new LinkedHashMap<>();
        for (int i = 0; i < this.tensors.size(); i++) {
            if (this.tensors.get(i).index() != i) {
                throw new IllegalArgumentException("tensor " + i + " has index " + this.tensors.get(i).index());
            }
        }
        for (Op op : this.ops) {
            if (byName.put(op.name(), op) != null) {
                throw new IllegalArgumentException("duplicate layer name " + op.name());
            }
        }
        this.opsByName = Collections.unmodifiableMap(byName);
    }

    /** Assigns the stable layer names {@code <optype lowercase>_<k>} to ops given in execution order. */
    public static String layerName(OpType type, int k) {
        return type.layerPrefix() + "_" + k;
    }

    public String source() {
        return source;
    }

    public String sha256() {
        return sha256;
    }

    /** The input layout the model file declares; the IR's own tensors are NHWC. */
    public TensorLayout inputLayout() {
        return inputLayout;
    }

    public List<Tensor> tensors() {
        return tensors;
    }

    public Tensor tensor(int index) {
        return tensors.get(index);
    }

    /** Ops in execution order. */
    public List<Op> ops() {
        return ops;
    }

    /** The op with this layer name. */
    public Optional<Op> op(String layerName) {
        return Optional.ofNullable(opsByName.get(layerName));
    }

    /** All layer names, in execution order. */
    public List<String> layerNames() {
        return List.copyOf(opsByName.keySet());
    }

    /** The model's (first) input tensor. */
    public Tensor input() {
        return tensors.get(inputs[0]);
    }

    /** The model's (first) output tensor. */
    public Tensor output() {
        return tensors.get(outputs[0]);
    }

    public int[] inputIndices() {
        return inputs.clone();
    }

    public int[] outputIndices() {
        return outputs.clone();
    }

    /** Input tensor {@code i} of an op (throws if absent). */
    public Tensor input(Op op, int i) {
        int t = op.input(i);
        if (t == Op.ABSENT) {
            throw new IllegalArgumentException(op.name() + " has no input " + i);
        }
        return tensors.get(t);
    }

    /** The bias of a quantizable layer, if it has one. */
    public Optional<Tensor> bias(Op op) {
        requireQuantizable(op);
        int t = op.input(2);
        return t == Op.ABSENT ? Optional.empty() : Optional.of(tensors.get(t));
    }

    /** The weights of a quantizable layer. */
    public Tensor weights(Op op) {
        requireQuantizable(op);
        return input(op, 1);
    }

    public Tensor output(Op op) {
        return tensors.get(op.output());
    }

    /** CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED ops, in execution order (docs/MODELS.md). */
    public List<Op> quantizableLayers() {
        List<Op> out = new ArrayList<>();
        for (Op op : ops) {
            if (op.type().isQuantizable()) {
                out.add(op);
            }
        }
        return out;
    }

    /** The dimension of the weights that indexes output channels: 0 for conv and FC, 3 for depthwise. */
    public static int outputChannelAxis(OpType type) {
        return switch (type) {
            case CONV_2D, FULLY_CONNECTED -> 0;
            case DEPTHWISE_CONV_2D -> 3;
            default -> throw new IllegalArgumentException(type + " has no weights");
        };
    }

    /** Output channels of a quantizable layer (the length of a per-channel assignment). */
    public int outputChannels(Op op) {
        return weights(op).dim(outputChannelAxis(op.type()));
    }

    /** Number of weight elements of a quantizable layer (0 for other ops). */
    public long weightCount(Op op) {
        return op.type().isQuantizable() ? weights(op).elementCount() : 0;
    }

    /** Number of constant parameters the op reads (weights and bias; 0 for ops without). */
    public long paramCount(Op op) {
        return op.type().isQuantizable() ? weightCount(op) + bias(op).map(Tensor::elementCount).orElse(0L) : 0;
    }

    /**
     * Multiply-accumulates of one inference of the op: conv Ho*Wo*Cout*kh*kw*Cin, depthwise Ho*Wo*Cout*kh*kw,
     * fully connected rows*out*in; 0 for ops without weights.
     */
    public long macs(Op op) {
        if (!op.type().isQuantizable()) {
            return 0;
        }
        Tensor w = weights(op);
        Tensor out = output(op);
        return switch (op.type()) {
            case CONV_2D, DEPTHWISE_CONV_2D -> out.elementCount() * (w.elementCount() / outputChannels(op));
            case FULLY_CONNECTED -> (out.elementCount() / w.dim(0)) * w.elementCount();
            default -> 0;
        };
    }

    /** Sum of {@link #macs(Op)} over all ops. */
    public long totalMacs() {
        return ops.stream().mapToLong(this::macs).sum();
    }

    /** Sum of {@link #paramCount(Op)} over all ops. */
    public long totalParams() {
        return ops.stream().mapToLong(this::paramCount).sum();
    }

    private static void requireQuantizable(Op op) {
        if (!op.type().isQuantizable()) {
            throw new IllegalArgumentException(op.name() + " is not a conv/depthwise/fully-connected layer");
        }
    }

    @Override
    public String toString() {
        return "Model(" + source + ", " + ops.size() + " ops, " + tensors.size() + " tensors)";
    }
}
