package io.bitsweep.eval.onnx;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.Shapes;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.model.TensorLayout;
import io.bitsweep.eval.onnx.proto.OnnxProto.GraphProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.NodeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts an ONNX graph into the NHWC {@link Model} IR, node by node in graph order. Rank-4 activations are NCHW in
 * ONNX and NHWC in the IR; weights, axes and pads are re-laid out to match. BatchNormalization is folded into the
 * convolution before it (or becomes a 1x1 depthwise convolution), Relu/Clip into the op before them as a fused
 * activation, HardSigmoid into the layer before it; constant subgraphs are folded ({@link ConstantFolder}).
 */
final class OnnxGraphConverter {
    /** The ONNX ops converted (besides the constant-only ones of {@link ConstantFolder}), for error messages. */
    static final List<String> SUPPORTED = List.of("Conv", "Gemm", "MatMul", "BatchNormalization", "Relu", "Clip",
            "HardSwish", "HardSigmoid", "Sigmoid", "Add", "Mul", "GlobalAveragePool", "ReduceMean", "MaxPool",
            "AveragePool", "Flatten", "Reshape", "Pad", "Concat", "Softmax", "Identity", "Dropout", "Constant",
            "Shape");

    /** NCHW axis to NHWC axis. */
    private static final int[] NHWC_AXIS = {0, 3, 1, 2};

    /**
     * An activation: its IR tensor, its ONNX shape, and for a rank-2 value flattened from an NCHW tensor with
     * H*W > 1, that tensor's [C, H, W] (its IR data is in HWC order, ONNX's in CHW order).
     */
    private record Value(int tensor, int[] shape, int[] chw) {}

    /** An IR op before the layer names are given (fusions still change its options and constants). */
    private static final class PendingOp {
        final OpType type;
        int[] inputs;
        final int output;
        OpOptions options;

        PendingOp(OpType type, int[] inputs, int output, OpOptions options) {
            this.type = type;
            this.inputs = inputs;
            this.output = output;
            this.options = options;
        }
    }

    private final String source;
    private final Map<String, ConstTensor> constants;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Integer> readers = new HashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<PendingOp> ops = new ArrayList<>();
    private final Map<Integer, PendingOp> producers = new HashMap<>();
    private NodeProto node;

    private OnnxGraphConverter(String source, Map<String, ConstTensor> initializers) {
        this.source = source;
        this.constants = new HashMap<>(initializers);
    }

    /**
     * @param inputShape the static ONNX shape of the one graph input
     */
    static Model convert(String source, String sha256, GraphProto graph, Map<String, ConstTensor> initializers,
            String inputName, int[] inputShape) {
        return new OnnxGraphConverter(source, initializers).run(sha256, graph, inputName, inputShape);
    }

    private Model run(String sha256, GraphProto graph, String inputName, int[] inputShape) {
        for (NodeProto n : graph.getNodeList()) {
            for (String in : n.getInputList()) {
                readers.merge(in, 1, Integer::sum);
            }
        }
        graph.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));
        int input = newActivation(inputName, inputShape);
        values.put(inputName, new Value(input, inputShape, null));
        for (NodeProto n : graph.getNodeList()) {
            node = n;
            convertNode();
        }
        if (graph.getOutputCount() != 1) {
            throw error("has " + graph.getOutputCount() + " graph outputs (supported: 1)");
        }
        String outName = graph.getOutput(0).getName();
        Value out = values.get(outName);
        if (out == null) {
            throw error("graph output " + InputText.quote(outName) + " is " + (constants.containsKey(outName)
                    ? "a constant (supported: computed from the input)" : "produced by no node"));
        }
        List<Op> named = new ArrayList<>();
        Map<OpType, Integer> counts = new EnumMap<>(OpType.class);
        for (PendingOp p : ops) {
            int k = counts.merge(p.type, 1, Integer::sum) - 1;
            named.add(new Op(Model.layerName(p.type, k), p.type, p.inputs, new int[] {p.output}, p.options));
        }
        TensorLayout layout = inputShape.length == 4 ? TensorLayout.NCHW : TensorLayout.NHWC;
        return new Model(source, sha256, tensors, named, new int[] {input}, new int[] {out.tensor()}, layout);
    }

    private void convertNode() {
        String op = node.getOpType();
        String domain = node.getDomain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw error("uses unsupported op " + InputText.oneLine(domain + "." + op) + " (node "
                    + InputText.quote(node.getName()) + "; supported: "
                    + "the ai.onnx domain's " + String.join(", ", SUPPORTED) + ")");
        }
        if (node.getOutputCount() == 0 || node.getOutput(0).isEmpty()) {
            throw error("node " + InputText.quote(node.getName()) + " (" + InputText.oneLine(op) + ") has no output "
                    + "(supported: nodes whose first "
                    + "output is named)");
        }
        NodeAttributes a = new NodeAttributes(node);
        if (op.equals("Constant")) {
            setConstant(0, constant(a));
            return;
        }
        if (ConstantFolder.OPS.contains(op) && allInputsConstant()) {
            List<ConstTensor> in = new ArrayList<>();
            for (String name : node.getInputList()) {
                in.add(name.isEmpty() ? null : constants.get(name));
            }
            try {
                setConstant(0, ConstantFolder.fold(op, in, a));
            } catch (RuntimeException e) {
                throw nodeError("cannot be evaluated on its constant inputs: " + e.getMessage());
            }
            return;
        }
        switch (op) {
            case "Shape" -> {
                int[] s = value(0).shape();
                setConstant(0, ConstTensor.ofLongs(new int[] {s.length}, Arrays.stream(s).asLongStream().toArray()));
            }
            case "Identity", "Dropout" -> values.put(node.getOutput(0), value(0));
            case "Conv" -> conv(a);
            case "Gemm" -> gemm(a);
            case "MatMul" -> matMul();
            case "BatchNormalization" -> batchNorm(a);
            case "Relu" -> fuseActivation(Activation.RELU);
            case "Clip" -> fuseActivation(clipActivation(a));
            case "HardSigmoid" -> hardSigmoid(a);
            case "HardSwish" -> unary(OpType.HARD_SWISH);
            case "Sigmoid" -> unary(OpType.LOGISTIC);
            case "Add", "Mul" -> binary(op);
            case "GlobalAveragePool" -> mean(value(0), new int[] {2, 3}, true);
            case "ReduceMean" -> reduceMean(a);
            case "MaxPool", "AveragePool" -> pool(op, a);
            case "Flatten" -> flatten(value(0), (int) a.getInt("axis", 1));
            case "Reshape" -> reshape();
            case "Pad" -> pad(a);
            case "Concat" -> concat(a);
            case "Softmax" -> softmax(a);
            default -> throw error("uses unsupported op " + InputText.oneLine(op) + " (node "
                    + InputText.quote(node.getName()) + "; supported: "
                    + String.join(", ", SUPPORTED) + ")");
        }
    }

    // ---- the ops ----------------------------------------------------------------------------------------------

    private void conv(NodeAttributes a) {
        Value x = rank4(0);
        ConstTensor w = constantInput(1, "weights");
        ConstTensor b = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? constantInput(2, "bias") : null;
        if (w.rank() != 4) {
            throw nodeError("has weights " + Arrays.toString(w.dims()) + " (supported: 2-D convolutions, [M,C,kh,kw])");
        }
        int cin = x.shape()[1];
        int m = w.dims()[0];
        int kh = w.dims()[2];
        int kw = w.dims()[3];
        int group = (int) a.getInt("group", 1);
        int[] strides = ints(a, "strides", 1, 1);
        int[] dilations = ints(a, "dilations", 1, 1);
        Padding padding = padding(a, x.shape(), kh, kw, strides, dilations);
        ConvGeometry g = ConvGeometry.of(x.shape()[2], x.shape()[3], cin, kh, kw, strides[0], strides[1],
                dilations[0], dilations[1], padding);
        float[] wf = w.asFloats();
        float[] weights = new float[wf.length];
        int[] irWeightShape;
        OpType type;
        OpOptions options;
        if (group == 1 && w.dims()[1] == cin) {
            irWeightShape = new int[] {m, kh, kw, cin}; // OIHW -> OHWI
            for (int o = 0; o < m; o++) {
                for (int c = 0; c < cin; c++) {
                    for (int y = 0; y < kh; y++) {
                        for (int xx = 0; xx < kw; xx++) {
                            weights[((o * kh + y) * kw + xx) * cin + c] = wf[((o * cin + c) * kh + y) * kw + xx];
                        }
                    }
                }
            }
            type = OpType.CONV_2D;
            options = new OpOptions.Conv(padding, strides[0], strides[1], dilations[0], dilations[1],
                    Activation.NONE);
        } else if (group == cin && w.dims()[1] == 1 && m % cin == 0) {
            irWeightShape = new int[] {1, kh, kw, m}; // [M,1,kh,kw] -> [1,kh,kw,M]
            for (int o = 0; o < m; o++) {
                for (int y = 0; y < kh * kw; y++) {
                    weights[y * m + o] = wf[o * kh * kw + y];
                }
            }
            type = OpType.DEPTHWISE_CONV_2D;
            options = new OpOptions.DepthwiseConv(padding, strides[0], strides[1], dilations[0], dilations[1],
                    m / cin, Activation.NONE);
        } else {
            throw nodeError("has group " + group + " with weights " + Arrays.toString(w.dims()) + " for " + cin
                    + " input channels (supported: group 1, or group = input channels: depthwise)");
        }
        if (g.outH() < 1 || g.outW() < 1) {
            throw nodeError("gives an empty output for input " + Arrays.toString(x.shape()));
        }
        int wt = newConstant(name("weights"), irWeightShape, weights);
        int bt = b == null ? Op.ABSENT : newConstant(name("bias"), new int[] {m}, vector(b, m, "bias"));
        addOp(type, new int[] {x.tensor(), wt, bt}, new int[] {x.shape()[0], m, g.outH(), g.outW()}, null, options);
    }

    private void gemm(NodeAttributes a) {
        Value x = value(0);
        ConstTensor bm = constantInput(1, "B");
        if (x.shape().length != 2 || bm.rank() != 2 || a.getInt("transA", 0) != 0) {
            throw nodeError("multiplies " + Arrays.toString(x.shape()) + " by " + Arrays.toString(bm.dims())
                    + " (supported: transA 0, a rank-2 input and constant rank-2 B)");
        }
        boolean transB = a.getInt("transB", 0) != 0;
        float[] w = transB ? bm.asFloats().clone() : transposed(bm);
        int out = transB ? bm.dims()[0] : bm.dims()[1];
        float alpha = a.getFloat("alpha", 1f);
        for (int i = 0; i < w.length; i++) {
            w[i] *= alpha;
        }
        float[] bias = null;
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            bias = vector(constantInput(2, "C"), out, "C");
            float beta = a.getFloat("beta", 1f);
            for (int i = 0; i < bias.length; i++) {
                bias[i] *= beta;
            }
        }
        fullyConnected(x, w, out, bias);
    }

    private void matMul() {
        Value x = value(0);
        ConstTensor bm = constantInput(1, "B");
        if (x.shape().length != 2 || bm.rank() != 2) {
            throw nodeError("multiplies " + Arrays.toString(x.shape()) + " by " + Arrays.toString(bm.dims())
                    + " (supported: a rank-2 input times a constant rank-2 matrix)");
        }
        fullyConnected(x, transposed(bm), bm.dims()[1], null);
    }

    /** FULLY_CONNECTED with weights [out, in] in ONNX's column order, permuted if x was flattened from CHW. */
    private void fullyConnected(Value x, float[] w, int out, float[] bias) {
        int in = x.shape()[1];
        if (w.length != out * in) {
            throw nodeError("has " + w.length / out + " inputs per output for an input of " + in);
        }
        if (x.chw() != null) { // columns in CHW order -> the IR's HWC order
            int c = x.chw()[0];
            int hw = x.chw()[1] * x.chw()[2];
            float[] p = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int ci = 0; ci < c; ci++) {
                    for (int s = 0; s < hw; s++) {
                        p[o * in + s * c + ci] = w[o * in + ci * hw + s];
                    }
                }
            }
            w = p;
        }
        int wt = newConstant(name("weights"), new int[] {out, in}, w);
        int bt = bias == null ? Op.ABSENT : newConstant(name("bias"), new int[] {out}, bias);
        addOp(OpType.FULLY_CONNECTED, new int[] {x.tensor(), wt, bt}, new int[] {x.shape()[0], out}, null,
                new OpOptions.FullyConnected(Activation.NONE, false));
    }

    private void batchNorm(NodeAttributes a) {
        Value x = value(0);
        int c = x.shape().length > 1 ? x.shape()[1] : 0;
        float[] gamma = vector(constantInput(1, "scale"), c, "scale");
        float[] beta = vector(constantInput(2, "B"), c, "B");
        float[] mean = vector(constantInput(3, "mean"), c, "mean");
        float[] var = vector(constantInput(4, "var"), c, "var");
        double eps = a.getFloat("epsilon", 1e-5f);
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (float) (gamma[i] / Math.sqrt(var[i] + eps));
            shift[i] = (float) (beta[i] - mean[i] * (double) scale[i]);
        }
        PendingOp p = fusableProducer(x);
        if (p != null && (p.type == OpType.CONV_2D || p.type == OpType.DEPTHWISE_CONV_2D)) {
            rescaleLayer(p, scale, shift);
            values.put(node.getOutput(0), x);
            return;
        }
        if (x.shape().length != 4) {
            throw nodeError("normalizes a rank-" + x.shape().length + " input that no convolution produces "
                    + "(supported: after a Conv, or on a rank-4 tensor)");
        }
        int wt = newConstant(name("scale"), new int[] {1, 1, 1, c}, scale);
        int bt = newConstant(name("shift"), new int[] {c}, shift);
        addOp(OpType.DEPTHWISE_CONV_2D, new int[] {x.tensor(), wt, bt}, x.shape(), null,
                new OpOptions.DepthwiseConv(Padding.VALID, 1, 1, 1, 1, 1, Activation.NONE));
    }

    /** Multiplies a layer's output channel c by scale[c] and adds shift[c] (weights and bias rewritten). */
    private void rescaleLayer(PendingOp p, float[] scale, float[] shift) {
        Tensor w = tensors.get(p.inputs[1]);
        float[] wf = w.floats();
        int channels = w.dim(Model.outputChannelAxis(p.type));
        if (channels != scale.length) {
            throw nodeError("has " + scale.length + " channels for a layer of " + channels);
        }
        boolean channelLast = p.type == OpType.DEPTHWISE_CONV_2D;
        int per = wf.length / channels;
        for (int i = 0; i < wf.length; i++) {
            wf[i] *= scale[channelLast ? i % channels : i / per];
        }
        float[] bias = p.inputs[2] == Op.ABSENT ? new float[channels] : tensors.get(p.inputs[2]).floats();
        for (int ch = 0; ch < channels; ch++) {
            bias[ch] = bias[ch] * scale[ch] + shift[ch];
        }
        int[] inputs = p.inputs.clone();
        inputs[1] = newConstant(w.name(), w.shape(), wf);
        inputs[2] = newConstant(name("bias"), new int[] {channels}, bias);
        p.inputs = inputs;
    }

    private Activation clipActivation(NodeAttributes a) {
        float lo = a.getFloat("min", Float.NEGATIVE_INFINITY);
        float hi = a.getFloat("max", Float.POSITIVE_INFINITY);
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            lo = clipBound(1, "min");
        }
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
            hi = clipBound(2, "max");
        }
        for (Activation act : Activation.values()) {
            if (act != Activation.NONE && act.min() == lo && act.max() == hi) {
                return act;
            }
        }
        throw nodeError("clips to [" + lo + ", " + hi + "] (supported: [0, inf) ReLU, [0, 6] ReLU6, [-1, 1], [0, 1])");
    }

    /** Clip's min or max input: a constant of one value. */
    private float clipBound(int index, String what) {
        float[] values = constantInput(index, what).asFloats();
        if (values.length != 1) {
            throw nodeError("has a " + what + " input of " + values.length + " values (Clip's bounds are scalars)");
        }
        return values[0];
    }

    /** Relu/Clip as the fused activation of the op producing their input. */
    private void fuseActivation(Activation act) {
        Value x = value(0);
        PendingOp p = fusableProducer(x);
        OpOptions fused = p == null ? null : withActivation(p.options, act);
        if (fused == null) {
            throw nodeError("follows an op it cannot be fused into (supported: " + InputText.oneLine(node.getOpType())
                    + " after Conv, "
                    + "Gemm, MatMul, Add, Mul or a pool whose output nothing else reads)");
        }
        p.options = fused;
        values.put(node.getOutput(0), x);
    }

    /** HardSigmoid(x) = clamp(alpha*x + beta, 0, 1), folded into the layer before: weights*alpha, bias*alpha+beta. */
    private void hardSigmoid(NodeAttributes a) {
        Value x = value(0);
        PendingOp p = fusableProducer(x);
        if (p == null || !p.type.isQuantizable()) {
            throw nodeError("follows an op it cannot be folded into (supported: HardSigmoid after a Conv, Gemm or "
                    + "MatMul whose output nothing else reads)");
        }
        float alpha = a.getFloat("alpha", 0.2f);
        float beta = a.getFloat("beta", 0.5f);
        int channels = tensors.get(p.inputs[1]).dim(Model.outputChannelAxis(p.type));
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        Arrays.fill(scale, alpha);
        Arrays.fill(shift, beta);
        if (p.type == OpType.FULLY_CONNECTED) {
            rescaleFullyConnected(p, alpha, beta);
        } else {
            rescaleLayer(p, scale, shift);
        }
        p.options = withActivation(p.options, Activation.RELU_0_TO_1);
        values.put(node.getOutput(0), x);
    }

    private void rescaleFullyConnected(PendingOp p, float alpha, float beta) {
        Tensor w = tensors.get(p.inputs[1]);
        float[] wf = w.floats();
        for (int i = 0; i < wf.length; i++) {
            wf[i] *= alpha;
        }
        int out = w.dim(0);
        float[] bias = p.inputs[2] == Op.ABSENT ? new float[out] : tensors.get(p.inputs[2]).floats();
        for (int i = 0; i < out; i++) {
            bias[i] = bias[i] * alpha + beta;
        }
        p.inputs = new int[] {p.inputs[0], newConstant(w.name(), w.shape(), wf),
            newConstant(name("bias"), new int[] {out}, bias)};
    }

    private void unary(OpType type) {
        Value x = value(0);
        addOp(type, new int[] {x.tensor()}, x.shape(), x.chw(), new OpOptions.None());
    }

    private void binary(String op) {
        String an = inputName(0);
        String bn = inputName(1);
        Value a = values.get(an);
        Value b = values.get(bn);
        if (a == null && b == null) {
            throw nodeError("has no activation input (supported: at least one input computed from the model input)");
        }
        if (op.equals("Add") && (a == null || b == null || !Arrays.equals(a.shape(), b.shape()))) {
            throw nodeError("adds " + describe(an) + " and " + describe(bn) + " (supported: two activations of one "
                    + "shape)");
        }
        int[] shapeA = a != null ? a.shape() : constantInput(0, "A").dims();
        int[] shapeB = b != null ? b.shape() : constantInput(1, "B").dims();
        int[] out = Shapes.broadcast(shapeA, shapeB);
        if (out == null) {
            throw nodeError("cannot broadcast " + Arrays.toString(shapeA) + " and " + Arrays.toString(shapeB));
        }
        int ta = a != null ? a.tensor() : broadcastConstant(constants.get(an), out.length, "A");
        int tb = b != null ? b.tensor() : broadcastConstant(constants.get(bn), out.length, "B");
        if (op.equals("Add")) {
            addOp(OpType.ADD, new int[] {ta, tb}, out, a.chw(), new OpOptions.Add(Activation.NONE));
        } else {
            if (out.length != 4 && ((a != null && a.chw() != null) || (b != null && b.chw() != null))) {
                throw nodeError("multiplies a tensor flattened from NCHW (supported: rank-4 or unflattened inputs)");
            }
            addOp(OpType.MUL, new int[] {ta, tb}, out, null, new OpOptions.Mul(Activation.NONE));
        }
    }

    /** A constant operand right-aligned to {@code rank} dimensions and, at rank 4, re-laid out NCHW -> NHWC. */
    private int broadcastConstant(ConstTensor c, int rank, String what) {
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        System.arraycopy(c.dims(), 0, dims, rank - c.rank(), c.rank());
        float[] v = c.asFloats();
        if (rank == 4) {
            v = nchwToNhwc(v, dims);
        }
        return newConstant(name(what), irShape(dims), v);
    }

    private void reduceMean(NodeAttributes a) {
        Value x = value(0);
        int[] axes = a.getInts("axes");
        if (axes == null && node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            axes = Arrays.stream(constantInput(1, "axes").asLongs())
                    .mapToInt(ax -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, ax))).toArray();
        }
        int rank = x.shape().length;
        if (axes == null || axes.length == 0) {
            axes = java.util.stream.IntStream.range(0, rank).toArray();
        }
        axes = Arrays.stream(axes).map(ax -> ax < 0 ? ax + rank : ax).sorted().distinct().toArray();
        mean(x, axes, a.getInt("keepdims", 1) != 0);
    }

    private void mean(Value x, int[] axes, boolean keepDims) {
        int rank = x.shape().length;
        if (x.chw() != null) {
            throw nodeError("reduces a tensor flattened from NCHW (supported: rank-4 or unflattened inputs)");
        }
        int[] out = Shapes.reduce(x.shape(), axes, keepDims);
        int[] irAxes = out == null || rank != 4 ? axes
                : Arrays.stream(axes).map(ax -> NHWC_AXIS[ax]).sorted().toArray();
        if (out == null || !Arrays.equals(Shapes.reduce(irShape(x.shape()), irAxes, keepDims), irShape(out))) {
            throw nodeError("reduces axes " + Arrays.toString(axes) + " of " + Arrays.toString(x.shape())
                    + (out == null ? "" : " into an order NHWC cannot keep") + " (supported: height and width, "
                    + "or with keepdims)");
        }
        addOp(OpType.MEAN, new int[] {x.tensor()}, out, null, new OpOptions.Mean(irAxes, keepDims));
    }

    private void pool(String op, NodeAttributes a) {
        Value x = rank4(0);
        int[] k = a.getInts("kernel_shape");
        if (k == null || k.length != 2) {
            throw nodeError("has kernel_shape " + Arrays.toString(k) + " (supported: 2-D pools)");
        }
        int[] strides = ints(a, "strides", 1, 1);
        int[] dilations = ints(a, "dilations", 1, 1);
        if (dilations[0] != 1 || dilations[1] != 1) {
            throw nodeError("has dilations " + Arrays.toString(dilations) + " (supported: 1, 1)");
        }
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty() && readers.containsKey(node.getOutput(1))) {
            throw nodeError("has its Indices output read (supported: the values output only)");
        }
        Padding padding = padding(a, x.shape(), k[0], k[1], strides, dilations);
        ConvGeometry g = ConvGeometry.of(x.shape()[2], x.shape()[3], x.shape()[1], k[0], k[1], strides[0],
                strides[1], 1, 1, padding);
        if (a.getInt("ceil_mode", 0) != 0 && ceilChangesSize(x.shape(), k, strides, padding, g)) {
            throw nodeError("has ceil_mode 1, which changes its output size here (supported: ceil_mode 0)");
        }
        boolean average = op.equals("AveragePool");
        if (average && a.getInt("count_include_pad", 0) != 0 && padding != Padding.VALID) {
            throw nodeError("counts padding in its averages (supported: count_include_pad 0, or no padding)");
        }
        addOp(average ? OpType.AVERAGE_POOL_2D : OpType.MAX_POOL_2D, new int[] {x.tensor()},
                new int[] {x.shape()[0], x.shape()[1], g.outH(), g.outW()}, null,
                new OpOptions.Pool(padding, strides[0], strides[1], k[0], k[1], Activation.NONE));
    }

    private static boolean ceilChangesSize(int[] in, int[] k, int[] s, Padding p, ConvGeometry g) {
        int padH = p.isExplicit() ? p.top() + p.bottom() : 0;
        int padW = p.isExplicit() ? p.left() + p.right() : 0;
        return p != Padding.SAME && ((in[2] + padH - k[0]) % s[0] != 0 || (in[3] + padW - k[1]) % s[1] != 0);
    }

    private void flatten(Value x, int axis) {
        int rank = x.shape().length;
        axis = axis < 0 ? axis + rank : axis;
        if (rank == 2 && axis == 1) {
            values.put(node.getOutput(0), x);
            return;
        }
        if (rank != 4 || axis != 1) {
            throw nodeError("flattens " + Arrays.toString(x.shape()) + " at axis " + axis + " (supported: NCHW at "
                    + "axis 1)");
        }
        int[] s = x.shape();
        int[] out = {s[0], s[1] * s[2] * s[3]};
        int[] chw = s[2] * s[3] > 1 ? new int[] {s[1], s[2], s[3]} : null;
        addOp(OpType.RESHAPE, new int[] {x.tensor()}, out, chw, new OpOptions.Reshape(out));
    }

    private void reshape() {
        Value x = value(0);
        int[] out;
        try {
            out = ConstantFolder.reshape(x.shape(), constantInput(1, "shape").asLongs());
        } catch (IllegalArgumentException e) {
            throw nodeError(e.getMessage());
        }
        int[] in = x.shape();
        if (Arrays.equals(in, out)) {
            values.put(node.getOutput(0), x);
        } else if (in.length == 4 && out.length == 2 && out[0] == in[0]) {
            flatten(x, 1);
        } else if (in.length == 2 && x.chw() == null && out.length == 4 && out[2] * out[3] == 1) {
            addOp(OpType.RESHAPE, new int[] {x.tensor()}, out, null, new OpOptions.Reshape(irShape(out)));
        } else {
            throw nodeError("reshapes " + Arrays.toString(in) + " to " + Arrays.toString(out) + " (supported: "
                    + "flattening NCHW to [N, C*H*W], [N, C] to [N, C, 1, 1])");
        }
    }

    private void pad(NodeAttributes a) {
        Value x = value(0);
        String mode = a.getString("mode", "constant");
        if (!mode.equals("constant")) {
            throw nodeError("has mode " + mode + " (supported: constant)");
        }
        int rank = x.shape().length;
        long[] pads = node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? constantInput(1, "pads").asLongs()
                : Arrays.stream(a.getInts("pads") == null ? new int[0] : a.getInts("pads")).asLongStream().toArray();
        if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
            throw nodeError("pads only some axes (supported: pads for every axis)");
        }
        if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                && constantInput(2, "constant_value").asFloats()[0] != 0f) {
            throw nodeError("pads with " + constantInput(2, "constant_value").asFloats()[0] + " (supported: 0)");
        }
        if (pads.length != 2 * rank || Arrays.stream(pads).anyMatch(p -> p < 0)) {
            throw nodeError("has pads " + Arrays.toString(pads) + " for a rank-" + rank + " input (supported: "
                    + 2 * rank + " values >= 0)");
        }
        int[] before = new int[rank];
        int[] after = new int[rank];
        for (int d = 0; d < rank; d++) {
            int ir = rank == 4 ? NHWC_AXIS[d] : d;
            before[ir] = (int) pads[d];
            after[ir] = (int) pads[d + rank];
        }
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            out[d] = x.shape()[d] + (int) pads[d] + (int) pads[d + rank];
        }
        addOp(OpType.PAD, new int[] {x.tensor()}, out, null, new OpOptions.Pad(before, after));
    }

    private void concat(NodeAttributes a) {
        int n = node.getInputCount();
        int[][] shapes = new int[n][];
        int[] inputs = new int[n];
        for (int i = 0; i < n; i++) {
            Value v = value(i);
            if (v.chw() != null) {
                throw nodeError("concatenates a tensor flattened from NCHW (supported: rank-4 or unflattened)");
            }
            shapes[i] = v.shape();
            inputs[i] = v.tensor();
        }
        int rank = shapes[0].length;
        int axis = (int) a.getInt("axis", 1);
        axis = axis < 0 ? axis + rank : axis;
        int[] out = Shapes.concatenate(shapes, axis);
        if (out == null) {
            throw nodeError("cannot concatenate " + Arrays.deepToString(shapes) + " along axis " + axis);
        }
        addOp(OpType.CONCATENATION, inputs, out, null,
                new OpOptions.Concatenation(rank == 4 ? NHWC_AXIS[axis] : axis, Activation.NONE));
    }

    private void softmax(NodeAttributes a) {
        Value x = value(0);
        int axis = (int) a.getInt("axis", -1);
        if (x.shape().length != 2 || (axis != -1 && axis != 1)) {
            throw nodeError("is over axis " + axis + " of " + Arrays.toString(x.shape()) + " (supported: the last "
                    + "axis of a rank-2 tensor)");
        }
        addOp(OpType.SOFTMAX, new int[] {x.tensor()}, x.shape(), null, new OpOptions.Softmax(1f));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** ONNX's pads / auto_pad for a 2-D window, as the IR's padding (SAME when it computes the same geometry). */
    private Padding padding(NodeAttributes a, int[] in, int kh, int kw, int[] strides, int[] dilations) {
        String auto = a.getString("auto_pad", "NOTSET");
        int h = in[2];
        int w = in[3];
        ConvGeometry same = ConvGeometry.of(h, w, 1, kh, kw, strides[0], strides[1], dilations[0], dilations[1],
                Padding.SAME);
        switch (auto) {
            case "VALID":
                return Padding.VALID;
            case "SAME_UPPER":
                return Padding.SAME;
            case "SAME_LOWER": {
                int totalH = Math.max(0, (same.outH() - 1) * strides[0] + (kh - 1) * dilations[0] + 1 - h);
                int totalW = Math.max(0, (same.outW() - 1) * strides[1] + (kw - 1) * dilations[1] + 1 - w);
                return Padding.explicit(totalH - totalH / 2, totalW - totalW / 2, totalH / 2, totalW / 2);
            }
            case "NOTSET":
            case "":
                break;
            default:
                throw nodeError("has auto_pad " + auto + " (supported: NOTSET, SAME_UPPER, SAME_LOWER, VALID)");
        }
        int[] pads = a.getInts("pads");
        if (pads == null) {
            return Padding.VALID;
        }
        if (pads.length != 4) {
            throw nodeError("has pads " + Arrays.toString(pads) + " (supported: 4 values for a 2-D window)");
        }
        Padding p = Padding.explicit(pads[0], pads[1], pads[2], pads[3]);
        ConvGeometry explicit = ConvGeometry.of(h, w, 1, kh, kw, strides[0], strides[1], dilations[0], dilations[1],
                p);
        return explicit.equals(same) ? Padding.SAME : p;
    }

    private int[] ints(NodeAttributes a, String name, int... dflt) {
        int[] v = a.getInts(name);
        if (v == null) {
            return dflt;
        }
        if (v.length != dflt.length || Arrays.stream(v).anyMatch(i -> i < 1)) {
            throw nodeError("has " + name + " " + Arrays.toString(v) + " (supported: " + dflt.length
                    + " values >= 1)");
        }
        return v;
    }

    /** The op that produced x, if x is read by this node only and the op has no fused activation yet. */
    private PendingOp fusableProducer(Value x) {
        PendingOp p = producers.get(x.tensor());
        boolean single = readers.getOrDefault(inputName(0), 0) == 1;
        return p != null && single && p.options.activation() == Activation.NONE ? p : null;
    }

    private static OpOptions withActivation(OpOptions o, Activation act) {
        if (o instanceof OpOptions.Conv c) {
            return new OpOptions.Conv(c.padding(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(), act);
        } else if (o instanceof OpOptions.DepthwiseConv d) {
            return new OpOptions.DepthwiseConv(d.padding(), d.strideH(), d.strideW(), d.dilationH(), d.dilationW(),
                    d.depthMultiplier(), act);
        } else if (o instanceof OpOptions.FullyConnected f) {
            return new OpOptions.FullyConnected(act, f.keepNumDims());
        } else if (o instanceof OpOptions.Add) {
            return new OpOptions.Add(act);
        } else if (o instanceof OpOptions.Mul) {
            return new OpOptions.Mul(act);
        } else if (o instanceof OpOptions.Pool p) {
            return new OpOptions.Pool(p.padding(), p.strideH(), p.strideW(), p.filterH(), p.filterW(), act);
        }
        return null;
    }

    private void addOp(OpType type, int[] inputs, int[] onnxOut, int[] chw, OpOptions options) {
        if (onnxOut.length == 0 || onnxOut[0] != 1) {
            // e.g. a constant operand with a batch dimension broadcasting the one sample into several
            throw nodeError("computes shape " + Arrays.toString(onnxOut) + " (supported: batch 1)");
        }
        int out = newActivation(node.getOutput(0), onnxOut);
        PendingOp p = new PendingOp(type, inputs, out, options);
        ops.add(p);
        producers.put(out, p);
        values.put(node.getOutput(0), new Value(out, onnxOut, chw));
    }

    private int newActivation(String name, int[] onnxShape) {
        tensors.add(new Tensor(tensors.size(), name, irShape(onnxShape), DType.FLOAT32, null, null));
        return tensors.size() - 1;
    }

    private int newConstant(String name, int[] irShape, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        tensors.add(new Tensor(tensors.size(), name, irShape, DType.FLOAT32, null, b.array()));
        return tensors.size() - 1;
    }

    private String name(String what) {
        return (node.getName().isEmpty() ? node.getOutput(0) : node.getName()) + "/" + what;
    }

    /** The IR (NHWC) shape of an ONNX shape: rank 4 is NCHW and is permuted. */
    private static int[] irShape(int[] onnx) {
        return onnx.length == 4 ? new int[] {onnx[0], onnx[2], onnx[3], onnx[1]} : onnx.clone();
    }

    private static float[] nchwToNhwc(float[] v, int[] nchw) {
        int n = nchw[0];
        int c = nchw[1];
        int h = nchw[2];
        int w = nchw[3];
        float[] out = new float[v.length];
        for (int b = 0; b < n; b++) {
            for (int k = 0; k < c; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        out[((b * h + y) * w + x) * c + k] = v[((b * c + k) * h + y) * w + x];
                    }
                }
            }
        }
        return out;
    }

    private static float[] transposed(ConstTensor m) {
        int r = m.dims()[0];
        int c = m.dims()[1];
        float[] v = m.asFloats();
        float[] out = new float[v.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j * r + i] = v[i * c + j];
            }
        }
        return out;
    }

    /** A per-channel constant of n values (a scalar or a [1, n] is broadcast). */
    private float[] vector(ConstTensor t, int n, String what) {
        float[] v = t.asFloats();
        if (v.length == n) {
            return v.clone();
        }
        if (v.length == 1) {
            float[] out = new float[n];
            Arrays.fill(out, v[0]);
            return out;
        }
        throw nodeError("has " + what + " " + Arrays.toString(t.dims()) + " for " + n + " channels");
    }

    private boolean allInputsConstant() {
        return node.getInputList().stream().allMatch(n -> n.isEmpty() || constants.containsKey(n));
    }

    private ConstTensor constant(NodeAttributes a) {
        if (a.has("value")) {
            try {
                return ConstTensor.decode(a.get("value").getT(), null);
            } catch (IllegalArgumentException e) {
                throw nodeError("value " + e.getMessage());
            }
        } else if (a.has("value_float")) {
            return ConstTensor.ofFloats(new int[0], new float[] {a.getFloat("value_float", 0)});
        } else if (a.has("value_floats")) {
            float[] f = new float[a.get("value_floats").getFloatsCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.get("value_floats").getFloats(i);
            }
            return ConstTensor.ofFloats(new int[] {f.length}, f);
        } else if (a.has("value_int")) {
            return ConstTensor.ofLongs(new int[0], new long[] {a.getInt("value_int", 0)});
        } else if (a.has("value_ints")) {
            long[] l = a.get("value_ints").getIntsList().stream().mapToLong(Long::longValue).toArray();
            return ConstTensor.ofLongs(new int[] {l.length}, l);
        }
        throw nodeError("has no value (supported: value, value_float(s), value_int(s))");
    }

    private void setConstant(int output, ConstTensor c) {
        constants.put(node.getOutput(output), c);
    }

    /** The node's input {@code i}, or "" if it has none there (an omitted optional input is "" in ONNX too). */
    private String inputName(int i) {
        return i < node.getInputCount() ? node.getInput(i) : "";
    }

    private Value value(int i) {
        String name = inputName(i);
        if (name.isEmpty()) {
            throw nodeError("has no input " + i + " (supported: the op's inputs as ONNX defines them)");
        }
        Value v = values.get(name);
        if (v == null) {
            throw nodeError(constants.containsKey(name)
                    ? "has a constant input " + InputText.quote(name) + " where it needs an activation"
                    : "reads " + InputText.quote(name) + ", which no earlier node produces (graph not in topological "
                    + "order?)");
        }
        return v;
    }

    private Value rank4(int i) {
        Value v = value(i);
        if (v.shape().length != 4) {
            throw nodeError("has input " + Arrays.toString(v.shape()) + " (supported: rank 4, NCHW)");
        }
        return v;
    }

    private ConstTensor constantInput(int i, String what) {
        String name = inputName(i);
        ConstTensor c = constants.get(name);
        if (c == null) {
            throw nodeError("has " + (name.isEmpty() ? "no " + what
                    : "a computed " + what + " " + InputText.quote(name))
                    + " (supported: a constant " + what + ")");
        }
        return c;
    }

    private String describe(String name) {
        Value v = values.get(name);
        return v != null ? Arrays.toString(v.shape()) : "constant " + InputText.quote(name);
    }

    private BitSweepException nodeError(String what) {
        String name = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
        return error("node " + InputText.quote(name) + " (" + InputText.oneLine(node.getOpType()) + ") " + what);
    }

    private BitSweepException error(String what) {
        return new BitSweepException("model " + source + " " + what);
    }
}
