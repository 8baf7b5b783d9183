package io.bitsweep.eval.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small .tflite files for tests, with the slots of {@link TfliteSchema}: ops the MLPerf Tiny models do not
 * use (MAX_POOL_2D, QUANTIZE, DEQUANTIZE), unsupported ops, inconsistent shapes, and every supported op with
 * per-channel int8 weights for the fuzzers' seeds. Option tables and buffers are written when they are added (a
 * flatbuffer cannot nest table construction); tensors and ops at {@link #finish()}.
 */
public final class TfliteBuilder {
    public static final int ADD = 0, AVERAGE_POOL_2D = 1, CONV_2D = 3, DEPTHWISE_CONV_2D = 4, DEQUANTIZE = 6,
            FULLY_CONNECTED = 9, MAX_POOL_2D = 17, MUL = 18, RESHAPE = 22, SOFTMAX = 25, TANH = 28, QUANTIZE = 114;
    public static final int FLOAT32 = 0, INT32 = 2, INT8 = 9;
    public static final int OPTIONS_CONV2D = TfliteSchema.OPTIONS_CONV2D, OPTIONS_POOL2D = TfliteSchema.OPTIONS_POOL2D,
            OPTIONS_DEPTHWISE = TfliteSchema.OPTIONS_DEPTHWISE, OPTIONS_FULLY_CONNECTED = TfliteSchema.OPTIONS_FULLY_CONNECTED,
            OPTIONS_SOFTMAX = TfliteSchema.OPTIONS_SOFTMAX, OPTIONS_ADD = TfliteSchema.OPTIONS_ADD,
            OPTIONS_RESHAPE = TfliteSchema.OPTIONS_RESHAPE;
    public static final int SAME = 0, VALID = 1, NONE = 0, RELU = 1, RELU6 = 3;

    /** {@code scales} null: not quantized; more than one scale: per channel along {@code axis}. */
    private record TensorSpec(int[] shape, int type, int buffer, String name, float[] scales, long[] zeroPoints,
                              int axis) {}

    private record OpSpec(int opcode, int[] inputs, int[] outputs, int optionsType, int options) {}

    private final FlatBufferBuilder b = new FlatBufferBuilder(1024);
    private final List<Integer> builtinCodes = new ArrayList<>();
    private final List<Integer> buffers = new ArrayList<>();
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final List<OpSpec> ops = new ArrayList<>();
    private int[] inputs = {0};
    private int[] outputs = {0};

    public TfliteBuilder() {
        buffers.add(buffer(null)); // buffer 0: the empty buffer of activations
    }

    private int buffer(byte[] data) {
        int vector = data == null ? 0 : b.createByteVector(data);
        b.startTable(3);
        if (data != null) {
            b.addOffset(TfliteSchema.BUFFER_DATA, vector, 0);
        }
        return b.endTable();
    }

    /** An activation tensor; returns its index. {@code scale 0} means not quantized. */
    public int tensor(String name, int type, float scale, long zeroPoint, int... shape) {
        tensors.add(new TensorSpec(shape, type, 0, name, scale == 0f ? null : new float[] {scale},
                new long[] {zeroPoint}, 0));
        return tensors.size() - 1;
    }

    /** A float32 constant tensor; returns its index. */
    public int constant(String name, float[] values, int... shape) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        buffers.add(buffer(data.array()));
        tensors.add(new TensorSpec(shape, FLOAT32, buffers.size() - 1, name, null, null, 0));
        return tensors.size() - 1;
    }

    /** An int8 constant quantized per channel along {@code axis} (one scale per channel, zero points 0). */
    public int int8Constant(String name, byte[] values, float[] scales, int axis, int... shape) {
        buffers.add(buffer(values));
        tensors.add(new TensorSpec(shape, INT8, buffers.size() - 1, name, scales, new long[scales.length], axis));
        return tensors.size() - 1;
    }

    /** An int32 constant (a bias of an int8 layer, or a RESHAPE's shape), quantized like {@link #int8Constant}. */
    public int int32Constant(String name, int[] values, float[] scales, int... shape) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asIntBuffer().put(values);
        buffers.add(buffer(data.array()));
        tensors.add(new TensorSpec(shape, INT32, buffers.size() - 1, name, scales,
                scales == null ? null : new long[scales.length], 0));
        return tensors.size() - 1;
    }

    public int depthwiseOptions(int padding, int stride, int multiplier, int activation) {
        b.startTable(7);
        b.addByte(TfliteSchema.DW_PADDING, (byte) padding, 0);
        b.addInt(TfliteSchema.DW_STRIDE_W, stride, 0);
        b.addInt(TfliteSchema.DW_STRIDE_H, stride, 0);
        b.addInt(TfliteSchema.DW_DEPTH_MULTIPLIER, multiplier, 0);
        b.addByte(TfliteSchema.DW_ACTIVATION, (byte) activation, 0);
        return b.endTable();
    }

    public int fullyConnectedOptions(int activation) {
        b.startTable(3);
        b.addByte(TfliteSchema.FC_ACTIVATION, (byte) activation, 0);
        return b.endTable();
    }

    public int addOptions(int activation) {
        b.startTable(1);
        b.addByte(TfliteSchema.ADD_ACTIVATION, (byte) activation, 0);
        return b.endTable();
    }

    public int softmaxOptions(float beta) {
        b.startTable(1);
        b.addFloat(TfliteSchema.SOFTMAX_BETA, beta, 0);
        return b.endTable();
    }

    public int reshapeOptions(int... newShape) {
        int vector = intVector(newShape);
        b.startTable(1);
        b.addOffset(TfliteSchema.RESHAPE_NEW_SHAPE, vector, 0);
        return b.endTable();
    }

    public int pool2dOptions(int padding, int stride, int filter, int activation) {
        b.startTable(6);
        b.addByte(TfliteSchema.POOL_PADDING, (byte) padding, 0);
        b.addInt(TfliteSchema.POOL_STRIDE_W, stride, 0);
        b.addInt(TfliteSchema.POOL_STRIDE_H, stride, 0);
        b.addInt(TfliteSchema.POOL_FILTER_W, filter, 0);
        b.addInt(TfliteSchema.POOL_FILTER_H, filter, 0);
        b.addByte(TfliteSchema.POOL_ACTIVATION, (byte) activation, 0);
        return b.endTable();
    }

    public int conv2dOptions(int padding, int stride, int activation) {
        b.startTable(6);
        b.addByte(TfliteSchema.CONV_PADDING, (byte) padding, 0);
        b.addInt(TfliteSchema.CONV_STRIDE_W, stride, 0);
        b.addInt(TfliteSchema.CONV_STRIDE_H, stride, 0);
        b.addByte(TfliteSchema.CONV_ACTIVATION, (byte) activation, 0);
        return b.endTable();
    }

    /** Adds an op (the opcode table gets one entry per distinct builtin code). */
    public TfliteBuilder op(int builtinCode, int[] in, int[] out, int optionsType, int options) {
        int index = builtinCodes.indexOf(builtinCode);
        if (index < 0) {
            builtinCodes.add(builtinCode);
            index = builtinCodes.size() - 1;
        }
        ops.add(new OpSpec(index, in, out, optionsType, options));
        return this;
    }

    public TfliteBuilder op(int builtinCode, int[] in, int[] out) {
        return op(builtinCode, in, out, 0, 0);
    }

    public TfliteBuilder io(int[] in, int[] out) {
        this.inputs = in;
        this.outputs = out;
        return this;
    }

    public byte[] finish() {
        int[] tensorOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorSpec t = tensors.get(i);
            int name = b.createString(t.name());
            int shape = intVector(t.shape());
            int quant = 0;
            if (t.scales() != null) {
                b.startVector(4, t.scales().length, 4);
                for (int c = t.scales().length - 1; c >= 0; c--) {
                    b.addFloat(t.scales()[c]);
                }
                int scales = b.endVector();
                b.startVector(8, t.zeroPoints().length, 8);
                for (int c = t.zeroPoints().length - 1; c >= 0; c--) {
                    b.addLong(t.zeroPoints()[c]);
                }
                int zps = b.endVector();
                b.startTable(7);
                b.addOffset(TfliteSchema.QUANT_SCALE, scales, 0);
                b.addOffset(TfliteSchema.QUANT_ZERO_POINT, zps, 0);
                b.addInt(TfliteSchema.QUANT_DIMENSION, t.axis(), 0);
                quant = b.endTable();
            }
            b.startTable(8);
            b.addOffset(TfliteSchema.TENSOR_SHAPE, shape, 0);
            b.addByte(TfliteSchema.TENSOR_TYPE, (byte) t.type(), 0);
            b.addInt(TfliteSchema.TENSOR_BUFFER, t.buffer(), 0);
            b.addOffset(TfliteSchema.TENSOR_NAME, name, 0);
            if (quant != 0) {
                b.addOffset(TfliteSchema.TENSOR_QUANTIZATION, quant, 0);
            }
            tensorOffsets[i] = b.endTable();
        }
        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpSpec op = ops.get(i);
            int in = intVector(op.inputs());
            int out = intVector(op.outputs());
            b.startTable(5);
            b.addInt(TfliteSchema.OP_OPCODE_INDEX, op.opcode(), -1);
            b.addOffset(TfliteSchema.OP_INPUTS, in, 0);
            b.addOffset(TfliteSchema.OP_OUTPUTS, out, 0);
            if (op.optionsType() != 0) {
                b.addByte(TfliteSchema.OP_BUILTIN_OPTIONS_TYPE, (byte) op.optionsType(), 0);
                b.addOffset(TfliteSchema.OP_BUILTIN_OPTIONS, op.options(), 0);
            }
            opOffsets[i] = b.endTable();
        }
        int tensorVector = tableVector(tensorOffsets);
        int opVector = tableVector(opOffsets);
        int in = intVector(inputs);
        int out = intVector(outputs);
        b.startTable(4);
        b.addOffset(TfliteSchema.SUBGRAPH_TENSORS, tensorVector, 0);
        b.addOffset(TfliteSchema.SUBGRAPH_INPUTS, in, 0);
        b.addOffset(TfliteSchema.SUBGRAPH_OUTPUTS, out, 0);
        b.addOffset(TfliteSchema.SUBGRAPH_OPERATORS, opVector, 0);
        int subgraph = b.endTable();
        int[] codeOffsets = new int[builtinCodes.size()];
        for (int i = 0; i < codeOffsets.length; i++) {
            int code = builtinCodes.get(i);
            b.startTable(4);
            b.addByte(TfliteSchema.OPCODE_DEPRECATED_BUILTIN, (byte) Math.min(code, 127), 0);
            b.addInt(TfliteSchema.OPCODE_VERSION, 1, 1);
            b.addInt(TfliteSchema.OPCODE_BUILTIN, code, 0);
            codeOffsets[i] = b.endTable();
        }
        int codes = tableVector(codeOffsets);
        int subgraphs = tableVector(new int[] {subgraph});
        int bufferVector = tableVector(buffers.stream().mapToInt(Integer::intValue).toArray());
        b.startTable(5);
        b.addInt(TfliteSchema.MODEL_VERSION, 3, 0);
        b.addOffset(TfliteSchema.MODEL_OPERATOR_CODES, codes, 0);
        b.addOffset(TfliteSchema.MODEL_SUBGRAPHS, subgraphs, 0);
        b.addOffset(TfliteSchema.MODEL_BUFFERS, bufferVector, 0);
        int model = b.endTable();
        b.finish(model, TfliteSchema.FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    private int intVector(int[] values) {
        b.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            b.addInt(values[i]);
        }
        return b.endVector();
    }

    private int tableVector(int[] offsets) {
        b.startVector(4, offsets.length, 4);
        for (int i = offsets.length - 1; i >= 0; i--) {
            b.addOffset(offsets[i]);
        }
        return b.endVector();
    }
}
