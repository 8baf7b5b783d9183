package io.bitsweep.eval.tflite;

import static io.bitsweep.eval.tflite.TfliteSchema.*;

import com.google.flatbuffers.FlatBufferBuilder;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Model} IR as a .tflite flatbuffer (schema version 3, one subgraph), the inverse of
 * {@link TfliteImporter} over the IR's ops: every tensor with its shape, type, affine quantization (per-tensor or
 * per-channel along its axis) and constant data as stored (one 16-byte aligned buffer per constant), every op with
 * its builtin options, and named metadata buffers. The IR's stable layer names are positions, not names in the
 * file, so importing what this writes gives the same layer names.
 *
 * <p>The caller decides whether TFLite can run the IR as the exact engine does (the exporter's job); this class only
 * refuses what the file format cannot say: explicit padding and the RELU_0_TO_1 activation. Besides the IR's ops it
 * can raise tensors to a smallest int8 code ({@link #write(Model, Map, String, Map)}).
 */
public final class TfliteWriter {
    /** The op that raises a tensor to its smallest code (int8 MAXIMUM compares codes, whatever the scale). */
    private static final String MAXIMUM = "MAXIMUM";
    /**
     * The op versions written: the lowest that TFLite 2.6 and TF 2.21 register for int8 tensors (TFLite's
     * op_version.cc), so both runtimes accept the file. The kernels read quantization from the tensors, not from
     * the version.
     */
    private static final Map<String, Integer> INT8_VERSIONS = Map.ofEntries(
            Map.entry("CONV_2D", 3), Map.entry("DEPTHWISE_CONV_2D", 3), Map.entry("FULLY_CONNECTED", 4),
            Map.entry("ADD", 2), Map.entry("MUL", 2), Map.entry("AVERAGE_POOL_2D", 2), Map.entry("MAX_POOL_2D", 2),
            Map.entry("MEAN", 2), Map.entry("PAD", 2), Map.entry("CONCATENATION", 2), Map.entry("RESHAPE", 1),
            Map.entry("HARD_SWISH", 1), Map.entry("LOGISTIC", 2), Map.entry("SOFTMAX", 2), Map.entry("QUANTIZE", 2),
            Map.entry("DEQUANTIZE", 2), Map.entry(MAXIMUM, 2));
    private static final int BUFFER_ALIGNMENT = 16;

    private final Model model;
    private final Map<Integer, Integer> minCodes;
    private final FlatBufferBuilder b = new FlatBufferBuilder(1 << 16);
    /** Buffer index of each tensor's data, 0 (the empty buffer) for activations. */
    private final int[] tensorBuffer;
    private final List<byte[]> buffers = new ArrayList<>();
    /** Per clamped tensor: the tensor its op writes before the MAXIMUM, and the constant holding the code. */
    private final Map<Integer, int[]> clampTensors = new LinkedHashMap<>();

    private TfliteWriter(Model model, Map<Integer, Integer> minCodes) {
        this.model = model;
        this.minCodes = minCodes;
        this.tensorBuffer = new int[model.tensors().size()];
        b.forceDefaults(true); // TFLite's schema defaults differ from the importer's (stride 0): write every field
    }

    /**
     * The model as .tflite bytes.
     *
     * @param description Model.description
     * @param metadata Model.metadata: name to bytes, each in its own buffer
     */
    public static byte[] write(Model model, String description, Map<String, byte[]> metadata) {
        return write(model, Map.of(), description, metadata);
    }

    /**
     * The same, with the int8 activation tensors of {@code minCodes} (tensor index to its smallest code) raised to
     * that code after the op writing them, by an int8 MAXIMUM with a constant: a clamp that no fused activation
     * expresses (e.g. symmetric int8's -127).
     */
    public static byte[] write(Model model, Map<Integer, Integer> minCodes, String description,
            Map<String, byte[]> metadata) {
        return new TfliteWriter(model, new LinkedHashMap<>(minCodes)).build(description, new LinkedHashMap<>(metadata));
    }

    private byte[] build(String description, Map<String, byte[]> metadata) {
        buffers.add(new byte[0]); // buffer 0: empty, by convention the buffer of every activation
        for (Tensor t : model.tensors()) {
            if (t.isConstant()) {
                tensorBuffer[t.index()] = buffers.size();
                ByteBuffer raw = t.rawData();
                byte[] data = new byte[raw.remaining()];
                raw.get(data);
                buffers.add(data);
            }
        }
        int next = model.tensors().size();
        for (int t : minCodes.keySet()) {
            clampTensors.put(t, new int[] {next, next + 1, buffers.size()});
            buffers.add(new byte[] {(byte) (int) minCodes.get(t)});
            next += 2;
        }
        List<Integer> metadataBuffers = new ArrayList<>();
        for (byte[] bytes : metadata.values()) {
            metadataBuffers.add(buffers.size());
            buffers.add(bytes);
        }
        List<String> opcodes = new ArrayList<>(model.ops().stream().map(op -> op.type().name()).distinct().toList());
        if (!minCodes.isEmpty()) {
            opcodes.add(MAXIMUM);
        }
        int graph = subgraph(opcodes);
        int[] codes = new int[opcodes.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = operatorCode(opcodes.get(i));
        }
        int[] bufferTables = new int[buffers.size()];
        for (int i = 0; i < bufferTables.length; i++) {
            bufferTables[i] = buffer(buffers.get(i));
        }
        int[] metadataTables = new int[metadata.size()];
        int k = 0;
        for (String name : metadata.keySet()) {
            int nameOffset = b.createString(name);
            b.startTable(2);
            b.addOffset(METADATA_NAME, nameOffset, 0);
            b.addInt(METADATA_BUFFER, metadataBuffers.get(k), 0);
            metadataTables[k++] = b.endTable();
        }
        int codesVector = b.createVectorOfTables(codes);
        int graphsVector = b.createVectorOfTables(new int[] {graph});
        int descriptionOffset = b.createString(description);
        int buffersVector = b.createVectorOfTables(bufferTables);
        int metadataVector = b.createVectorOfTables(metadataTables);
        b.startTable(MODEL_FIELDS);
        b.addInt(MODEL_VERSION, SCHEMA_VERSION, 0);
        b.addOffset(MODEL_OPERATOR_CODES, codesVector, 0);
        b.addOffset(MODEL_SUBGRAPHS, graphsVector, 0);
        b.addOffset(MODEL_DESCRIPTION, descriptionOffset, 0);
        b.addOffset(MODEL_BUFFERS, buffersVector, 0);
        b.addOffset(MODEL_METADATA, metadataVector, 0);
        b.finish(b.endTable(), FILE_IDENTIFIER);
        return b.sizedByteArray();
    }

    private int operatorCode(String name) {
        int code = Arrays.asList(BUILTIN_OPERATOR_NAMES).indexOf(name);
        b.startTable(4);
        b.addByte(OPCODE_DEPRECATED_BUILTIN, (byte) Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
        b.addInt(OPCODE_VERSION, INT8_VERSIONS.get(name), 1);
        b.addInt(OPCODE_BUILTIN, code, 0);
        return b.endTable();
    }

    private int buffer(byte[] data) {
        int vector = 0;
        if (data.length > 0) {
            b.startVector(1, data.length, BUFFER_ALIGNMENT);
            for (int i = data.length - 1; i >= 0; i--) {
                b.putByte(data[i]);
            }
            vector = b.endVector();
        }
        b.startTable(3);
        if (data.length > 0) {
            b.addOffset(BUFFER_DATA, vector, 0);
        }
        return b.endTable();
    }

    private int subgraph(List<String> opcodes) {
        List<Integer> tensors = new ArrayList<>();
        for (Tensor t : model.tensors()) {
            tensors.add(tensor(t.name(), t.shape(), t.dtype(), t.quant().orElse(null), tensorBuffer[t.index()]));
        }
        for (Map.Entry<Integer, int[]> e : clampTensors.entrySet()) {
            Tensor t = model.tensor(e.getKey());
            QuantParams q = t.quant().orElseThrow();
            tensors.add(tensor(t.name() + "/unclamped", t.shape(), DType.INT8, q, 0));
            tensors.add(tensor(t.name() + "/min_code", new int[] {1}, DType.INT8, q, e.getValue()[2]));
        }
        List<Integer> operators = new ArrayList<>();
        for (Op op : model.ops()) {
            int[] clamp = clampTensors.get(op.output());
            int[] outputs = op.outputs();
            if (clamp != null) {
                outputs[0] = clamp[0];
            }
            operators.add(operator(op, opcodes.indexOf(op.type().name()), op.inputs(), outputs));
            if (clamp != null) {
                operators.add(operator(null, opcodes.indexOf(MAXIMUM), new int[] {clamp[0], clamp[1]},
                        new int[] {op.output()}));
            }
        }
        int tensorsVector = b.createVectorOfTables(tensors.stream().mapToInt(Integer::intValue).toArray());
        int inputs = ints(model.inputIndices());
        int outputs = ints(model.outputIndices());
        int operatorsVector = b.createVectorOfTables(operators.stream().mapToInt(Integer::intValue).toArray());
        int name = b.createString("main");
        b.startTable(5);
        b.addOffset(SUBGRAPH_TENSORS, tensorsVector, 0);
        b.addOffset(SUBGRAPH_INPUTS, inputs, 0);
        b.addOffset(SUBGRAPH_OUTPUTS, outputs, 0);
        b.addOffset(SUBGRAPH_OPERATORS, operatorsVector, 0);
        b.addOffset(SUBGRAPH_NAME, name, 0);
        return b.endTable();
    }

    private int tensor(String name, int[] shape, DType dtype, QuantParams quant, int buffer) {
        int shapeVector = ints(shape);
        int nameOffset = b.createString(name);
        int quantTable = quant == null ? 0 : quantization(quant);
        b.startTable(8);
        b.addOffset(TENSOR_SHAPE, shapeVector, 0);
        b.addByte(TENSOR_TYPE, (byte) tensorType(dtype), 0);
        b.addInt(TENSOR_BUFFER, buffer, 0);
        b.addOffset(TENSOR_NAME, nameOffset, 0);
        if (quantTable != 0) {
            b.addOffset(TENSOR_QUANTIZATION, quantTable, 0);
        }
        return b.endTable();
    }

    private int quantization(QuantParams q) {
        float[] scales = q.scales();
        b.startVector(4, scales.length, 4);
        for (int i = scales.length - 1; i >= 0; i--) {
            b.putFloat(scales[i]);
        }
        int scaleVector = b.endVector();
        long[] zeroPoints = q.zeroPoints();
        b.startVector(8, zeroPoints.length, 8);
        for (int i = zeroPoints.length - 1; i >= 0; i--) {
            b.putLong(zeroPoints[i]);
        }
        int zeroPointVector = b.endVector();
        b.startTable(7);
        b.addOffset(QUANT_SCALE, scaleVector, 0);
        b.addOffset(QUANT_ZERO_POINT, zeroPointVector, 0);
        b.addInt(QUANT_DIMENSION, q.isPerChannel() ? q.axis() : 0, 0);
        return b.endTable();
    }

    private static int tensorType(DType t) {
        return switch (t) {
            case FLOAT32 -> TYPE_FLOAT32;
            case INT8 -> TYPE_INT8;
            case UINT8 -> TYPE_UINT8;
            case INT16 -> TYPE_INT16;
            case INT32 -> TYPE_INT32;
            case INT64 -> TYPE_INT64;
        };
    }

    /** An operator; {@code op} null for a MAXIMUM, written without options. */
    private int operator(Op op, int opcodeIndex, int[] inputTensors, int[] outputTensors) {
        int inputs = ints(inputTensors);
        int outputs = ints(outputTensors);
        int optionsType = op == null ? 0 : optionsTag(op.type());
        int options = optionsType == 0 ? 0 : options(op);
        b.startTable(5);
        b.addInt(OP_OPCODE_INDEX, opcodeIndex, 0);
        b.addOffset(OP_INPUTS, inputs, 0);
        b.addOffset(OP_OUTPUTS, outputs, 0);
        if (optionsType != 0) {
            b.addByte(OP_BUILTIN_OPTIONS_TYPE, (byte) optionsType, 0);
            b.addOffset(OP_BUILTIN_OPTIONS, options, 0);
        }
        return b.endTable();
    }

    private int options(Op op) {
        OpOptions o = op.options();
        if (o instanceof OpOptions.Reshape) {
            // The output's shape is authoritative in the IR; the file's new_shape may have held -1.
            int shape = ints(model.output(op).shape());
            b.startTable(1);
            b.addOffset(RESHAPE_NEW_SHAPE, shape, 0);
            return b.endTable();
        }
        if (o instanceof OpOptions.Conv c) {
            b.startTable(6);
            b.addByte(CONV_PADDING, padding(op, c.padding()), 0);
            b.addInt(CONV_STRIDE_W, c.strideW(), 0);
            b.addInt(CONV_STRIDE_H, c.strideH(), 0);
            b.addByte(CONV_ACTIVATION, activation(op, c.activation()), 0);
            b.addInt(CONV_DILATION_W, c.dilationW(), 1);
            b.addInt(CONV_DILATION_H, c.dilationH(), 1);
        } else if (o instanceof OpOptions.DepthwiseConv d) {
            b.startTable(7);
            b.addByte(DW_PADDING, padding(op, d.padding()), 0);
            b.addInt(DW_STRIDE_W, d.strideW(), 0);
            b.addInt(DW_STRIDE_H, d.strideH(), 0);
            b.addInt(DW_DEPTH_MULTIPLIER, d.depthMultiplier(), 0);
            b.addByte(DW_ACTIVATION, activation(op, d.activation()), 0);
            b.addInt(DW_DILATION_W, d.dilationW(), 1);
            b.addInt(DW_DILATION_H, d.dilationH(), 1);
        } else if (o instanceof OpOptions.Pool p) {
            b.startTable(6);
            b.addByte(POOL_PADDING, padding(op, p.padding()), 0);
            b.addInt(POOL_STRIDE_W, p.strideW(), 0);
            b.addInt(POOL_STRIDE_H, p.strideH(), 0);
            b.addInt(POOL_FILTER_W, p.filterW(), 0);
            b.addInt(POOL_FILTER_H, p.filterH(), 0);
            b.addByte(POOL_ACTIVATION, activation(op, p.activation()), 0);
        } else if (o instanceof OpOptions.FullyConnected f) {
            b.startTable(3);
            b.addByte(FC_ACTIVATION, activation(op, f.activation()), 0);
            b.addByte(FC_WEIGHTS_FORMAT, (byte) 0, 0);
            b.addBoolean(FC_KEEP_NUM_DIMS, f.keepNumDims(), false);
        } else if (o instanceof OpOptions.Add a) {
            b.startTable(1);
            b.addByte(ADD_ACTIVATION, activation(op, a.activation()), 0);
        } else if (o instanceof OpOptions.Mul m) {
            b.startTable(1);
            b.addByte(MUL_ACTIVATION, activation(op, m.activation()), 0);
        } else if (o instanceof OpOptions.Softmax s) {
            b.startTable(1);
            b.addFloat(SOFTMAX_BETA, s.beta(), 0);
        } else if (o instanceof OpOptions.Concatenation c) {
            b.startTable(2);
            b.addInt(CONCAT_AXIS, c.axis(), 0);
            b.addByte(CONCAT_ACTIVATION, activation(op, c.activation()), 0);
        } else if (o instanceof OpOptions.Mean m) {
            b.startTable(1);
            b.addBoolean(REDUCER_KEEP_DIMS, m.keepDims(), false);
        } else {
            throw new IllegalStateException(op + " has no builtin options");
        }
        return b.endTable();
    }

    private byte padding(Op op, Padding p) {
        if (p.equals(Padding.SAME)) {
            return 0;
        }
        if (p.equals(Padding.VALID)) {
            return 1;
        }
        throw new BitSweepException(model.source() + ": layer " + op.name() + " (" + op.type()
                + "): padding " + p + " has no TFLite equivalent (allowed: SAME, VALID)");
    }

    private byte activation(Op op, Activation a) {
        return switch (a) {
            case NONE -> 0;
            case RELU -> 1;
            case RELU_N1_TO_1 -> 2;
            case RELU6 -> 3;
            case RELU_0_TO_1 -> throw new BitSweepException(model.source() + ": layer " + op.name()
                    + " (" + op.type() + "): fused activation RELU_0_TO_1 has no TFLite equivalent (allowed: NONE, "
                    + "RELU, RELU_N1_TO_1, RELU6)");
        };
    }

    private int ints(int[] values) {
        b.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            b.putInt(values[i]);
        }
        return b.endVector();
    }

    /** Model.metadata's buffer named {@code name} in a .tflite file, or null if it has none. */
    public static byte[] metadata(byte[] tflite, String name) {
        FbTable root = FbTable.root(ByteBuffer.wrap(tflite));
        for (int i = 0; i < root.tableCount(MODEL_METADATA); i++) {
            FbTable m = root.tableAt(MODEL_METADATA, i);
            if (name.equals(m.getString(METADATA_NAME))) {
                return root.tableAt(MODEL_BUFFERS, (int) m.getUint(METADATA_BUFFER, 0)).bytes(BUFFER_DATA);
            }
        }
        return null;
    }
}
