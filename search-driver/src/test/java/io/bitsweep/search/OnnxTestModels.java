package io.bitsweep.search;

import com.google.protobuf.ByteString;
import io.bitsweep.eval.onnx.proto.OnnxProto.AttributeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.GraphProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.ModelProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.NodeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.TensorProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.TensorShapeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.TypeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Small ONNX models written in tests with the generated protobuf classes (no Python needed): a VWW-sized CNN with
 * two outputs, as PyTorch exports it (NCHW, opset 17, Conv with explicit pads, a depthwise Conv, Relu and Clip,
 * GlobalAveragePool, Flatten, Gemm), with seeded random weights, and variants of it that are bad input.
 */
public final class OnnxTestModels {
    private OnnxTestModels() {}

    /** The CNN: [N,3,96,96] -> 2 logits. */
    public static ModelProto vwwCnn() {
        return vwwCnn(17, "N", 96, "Relu");
    }

    /**
     * @param opset the ai.onnx opset it imports
     * @param batch the batch dimension's symbolic name
     * @param height the input height (-1: a symbolic "H")
     * @param lastActivation the op after the 1x1 conv (e.g. an unsupported "Erf")
     */
    public static ModelProto vwwCnn(int opset, String batch, int height, String lastActivation) {
        Random r = new Random(15);
        GraphProto.Builder g = GraphProto.newBuilder().setName("vww_cnn");
        g.addInput(input("input", batch, height));
        g.addOutput(ValueInfoProto.newBuilder().setName("logits").setType(floatType(dim("N"), dim(2))));
        g.addInitializer(floats("w1", r, 3 * 9, 8, 3, 3, 3)).addInitializer(floats("b1", r, 0, 8));
        g.addInitializer(floats("w2", r, 9, 8, 1, 3, 3)).addInitializer(floats("b2", r, 0, 8));
        g.addInitializer(floats("w3", r, 8, 16, 8, 1, 1)).addInitializer(floats("b3", r, 0, 16));
        g.addInitializer(floats("w4", r, 16, 2, 16)).addInitializer(floats("b4", r, 0, 2));
        g.addInitializer(floats("clip_min", new int[0], new float[] {0f}));
        g.addInitializer(floats("clip_max", new int[0], new float[] {6f}));
        g.addNode(node("Conv", "conv1", new String[] {"input", "w1", "b1"}, "c1", ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3)));
        g.addNode(node("Relu", "relu1", new String[] {"c1"}, "r1"));
        g.addNode(node("Conv", "dw2", new String[] {"r1", "w2", "b2"}, "c2", ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1), ints("kernel_shape", 3, 3), AttributeProto.newBuilder().setName("group")
                        .setType(AttributeProto.AttributeType.INT).setI(8).build()));
        g.addNode(node("Clip", "clip2", new String[] {"c2", "clip_min", "clip_max"}, "r2"));
        g.addNode(node("Conv", "conv3", new String[] {"r2", "w3", "b3"}, "c3", ints("kernel_shape", 1, 1)));
        g.addNode(node(lastActivation, "act3", new String[] {"c3"}, "r3"));
        g.addNode(node("GlobalAveragePool", "gap", new String[] {"r3"}, "p"));
        g.addNode(node("Flatten", "flatten", new String[] {"p"}, "f"));
        g.addNode(node("Gemm", "fc", new String[] {"f", "w4", "b4"}, "logits", AttributeProto.newBuilder()
                .setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build()));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("bitsweep-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
    }

    /**
     * A classifier that costs little per input value, for large generated images: [N,3,side,side] -> AveragePool
     * 16x16 stride 16 -> 1x1 Conv (3 -> 8) -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> 10 logits.
     */
    public static ModelProto pooledClassifier(int side) {
        Random r = new Random(16);
        GraphProto.Builder g = GraphProto.newBuilder().setName("pooled_classifier");
        g.addInput(ValueInfoProto.newBuilder().setName("input")
                .setType(floatType(dim("N"), dim(3), dim(side), dim(side))).build());
        g.addOutput(ValueInfoProto.newBuilder().setName("logits").setType(floatType(dim("N"), dim(10))));
        g.addInitializer(floats("w1", r, 3, 8, 3, 1, 1)).addInitializer(floats("b1", r, 0, 8));
        g.addInitializer(floats("w2", r, 8, 10, 8)).addInitializer(floats("b2", r, 0, 10));
        g.addNode(node("AveragePool", "pool", new String[] {"input"}, "p1", ints("kernel_shape", 16, 16),
                ints("strides", 16, 16)));
        g.addNode(node("Conv", "conv", new String[] {"p1", "w1", "b1"}, "c1", ints("kernel_shape", 1, 1)));
        g.addNode(node("Relu", "relu", new String[] {"c1"}, "r1"));
        g.addNode(node("GlobalAveragePool", "gap", new String[] {"r1"}, "p2"));
        g.addNode(node("Flatten", "flatten", new String[] {"p2"}, "f"));
        g.addNode(node("Gemm", "fc", new String[] {"f", "w2", "b2"}, "logits", AttributeProto.newBuilder()
                .setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build()));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("bitsweep-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    private static ValueInfoProto input(String name, String batch, int height) {
        TensorShapeProto.Dimension h = height > 0 ? dim(height) : dim("H");
        return ValueInfoProto.newBuilder().setName(name).setType(floatType(dim(batch), dim(3), h, dim(96))).build();
    }

    private static TypeProto floatType(TensorShapeProto.Dimension... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (TensorShapeProto.Dimension d : dims) {
            s.addDim(d);
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s)).build();
    }

    private static TensorShapeProto.Dimension dim(int v) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
    }

    private static TensorShapeProto.Dimension dim(String param) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(param).build();
    }

    /** Seeded weights scaled by sqrt(2 / fanIn) (He), or zeros for fanIn 0. */
    private static TensorProto floats(String name, Random r, int fanIn, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n && fanIn > 0; i++) {
            v[i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / fanIn));
        }
        return floats(name, dims, v);
    }

    private static TensorProto floats(String name, int[] dims, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static NodeProto node(String op, String name, String[] inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }
}
