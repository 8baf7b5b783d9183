package io.bitsweep.eval.tflite;

import static io.bitsweep.eval.tflite.TfliteSchema.*;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.eval.io.ModelFileBytes;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads a .tflite file into the {@link Model} IR. Supports single-subgraph models built from the ops in
 * {@link OpType}; everything else is a one-line {@link BitSweepException} naming the file.
 *
 * <p>Hybrid (dynamic-range) models, whose float convolutions and fully-connected layers carry int8 weights, are
 * imported with those weights dequantized to float32 ({@code scale * (q - zp)}), so they run as float models.
 */
public final class TfliteImporter {
    private final String source;

    private TfliteImporter(String source) {
        this.source = source;
    }

    /** Imports a .tflite file. */
    public static Model load(Path file) {
        byte[] bytes = ModelFileBytes.read(file);
        return read(bytes, file.toString());
    }

    /** Imports a .tflite model from memory; {@code source} names it in messages. */
    public static Model read(byte[] bytes, String source) {
        TfliteImporter importer = new TfliteImporter(source);
        if (bytes.length < 8) {
            throw importer.error("is not a TFLite model (only " + bytes.length + " bytes)");
        }
        String id = new String(bytes, 4, 4, StandardCharsets.ISO_8859_1);
        if (!FILE_IDENTIFIER.equals(id)) {
            throw importer.error("is not a TFLite model (file identifier is not \"" + FILE_IDENTIFIER + "\")");
        }
        try {
            return importer.convert(bytes);
        } catch (IndexOutOfBoundsException e) {
            throw importer.error("is truncated or corrupt (a table or vector points past the end of its "
                    + bytes.length + " bytes)");
        }
    }

    private BitSweepException error(String what) {
        return new BitSweepException("model " + source + " " + what);
    }

    private Model convert(byte[] bytes) {
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        FbTable model = FbTable.root(bb);
        long version = model.getUint(MODEL_VERSION, 0);
        if (version != 3) {
            throw error("has schema version " + version + " (supported: 3)");
        }
        int subgraphs = model.tableCount(MODEL_SUBGRAPHS);
        if (subgraphs != 1) {
            throw error("has " + subgraphs + " subgraphs (supported: exactly 1)");
        }
        FbTable graph = model.tableAt(MODEL_SUBGRAPHS, 0);

        OpType[] opcodeTypes = readOpcodes(model);
        List<Op> ops = readOps(graph, opcodeTypes);
        boolean[] dequantizeOnImport = hybridWeights(graph, ops);
        List<Tensor> tensors = readTensors(model, graph, bytes, dequantizeOnImport);
        ops = withConstantOperands(ops, tensors);
        Model result = new Model(source, sha256(bytes), tensors, ops, graphTensors(graph, SUBGRAPH_INPUTS, "input"),
                graphTensors(graph, SUBGRAPH_OUTPUTS, "output"));
        new ShapeChecker(result).checkAll();
        return result;
    }

    /** The subgraph's input or output tensors: at least one, each an index into its tensors. */
    private int[] graphTensors(FbTable graph, int slot, String kind) {
        int[] indices = graph.ints(slot);
        if (indices.length == 0) {
            throw error("has no " + kind + " tensor (supported: models with at least one " + kind + ")");
        }
        int tensorCount = graph.tableCount(SUBGRAPH_TENSORS);
        for (int t : indices) {
            if (t < 0 || t >= tensorCount) {
                throw error("is corrupt: its " + kind + " is tensor " + t + " of " + tensorCount);
            }
        }
        return indices;
    }

    private OpType[] readOpcodes(FbTable model) {
        int n = model.tableCount(MODEL_OPERATOR_CODES);
        OpType[] types = new OpType[n];
        for (int i = 0; i < n; i++) {
            FbTable code = model.tableAt(MODEL_OPERATOR_CODES, i);
            // Codes above 127 live only in builtin_code; older files only fill deprecated_builtin_code.
            int builtin = Math.max(code.getByte(OPCODE_DEPRECATED_BUILTIN, 0), code.getInt(OPCODE_BUILTIN, 0));
            String custom = code.getString(OPCODE_CUSTOM);
            String name = custom != null ? "custom op " + InputText.quote(custom) : builtinName(builtin);
            types[i] = supportedType(name);
            if (types[i] == null) {
                throw error("uses unsupported op " + name + " (supported: " + supportedList() + ")");
            }
        }
        return types;
    }

    private static OpType supportedType(String builtinName) {
        for (OpType t : OpType.values()) {
            if (t.name().equals(builtinName)) {
                return t;
            }
        }
        return null;
    }

    private static String supportedList() {
        return String.join(", ", Arrays.stream(OpType.values()).map(Enum::name).toList());
    }

    private List<Op> readOps(FbTable graph, OpType[] opcodeTypes) {
        int n = graph.tableCount(SUBGRAPH_OPERATORS);
        Map<OpType, Integer> counts = new EnumMap<>(OpType.class);
        List<Op> ops = new ArrayList<>(n);
        int tensorCount = graph.tableCount(SUBGRAPH_TENSORS);
        for (int i = 0; i < n; i++) {
            FbTable op = graph.tableAt(SUBGRAPH_OPERATORS, i);
            long opcode = op.getUint(OP_OPCODE_INDEX, 0);
            if (opcode >= opcodeTypes.length) {
                throw error("is corrupt: operator " + i + " has opcode index " + opcode + " of " + opcodeTypes.length);
            }
            OpType type = opcodeTypes[(int) opcode];
            int k = counts.merge(type, 1, Integer::sum) - 1;
            String name = Model.layerName(type, k);
            int[] inputs = op.ints(OP_INPUTS);
            int[] outputs = op.ints(OP_OUTPUTS);
            for (int t : concat(inputs, outputs)) {
                if (t < Op.ABSENT || t >= tensorCount) {
                    throw error("is corrupt: " + name + " refers to tensor " + t + " of " + tensorCount);
                }
            }
            if (outputs.length != 1) {
                throw error("layer " + name + " has " + outputs.length + " outputs (supported: 1)");
            }
            ops.add(new Op(name, type, inputs, outputs, readOptions(name, type, op)));
        }
        return ops;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private OpOptions readOptions(String name, OpType type, FbTable op) {
        int expectedTag = optionsTag(type);
        int tag = op.getUbyte(OP_BUILTIN_OPTIONS_TYPE, 0);
        FbTable o = op.table(OP_BUILTIN_OPTIONS);
        if (expectedTag == 0 || o == null) {
            // Absent options mean all defaults (a flatbuffer writer may omit an all-default table).
            o = null;
        } else if (tag != expectedTag) {
            throw error("layer " + name + " has builtin options of union type " + tag + ", expected " + expectedTag);
        }
        return switch (type) {
            case CONV_2D -> new OpOptions.Conv(padding(name, o, CONV_PADDING),
                    positive(name, "stride_h", get(o, CONV_STRIDE_H, 1)), positive(name, "stride_w", get(o, CONV_STRIDE_W, 1)),
                    positive(name, "dilation_h", get(o, CONV_DILATION_H, 1)),
                    positive(name, "dilation_w", get(o, CONV_DILATION_W, 1)), activation(name, o, CONV_ACTIVATION));
            case DEPTHWISE_CONV_2D -> new OpOptions.DepthwiseConv(padding(name, o, DW_PADDING),
                    positive(name, "stride_h", get(o, DW_STRIDE_H, 1)), positive(name, "stride_w", get(o, DW_STRIDE_W, 1)),
                    positive(name, "dilation_h", get(o, DW_DILATION_H, 1)),
                    positive(name, "dilation_w", get(o, DW_DILATION_W, 1)),
                    get(o, DW_DEPTH_MULTIPLIER, 0), activation(name, o, DW_ACTIVATION));
            case AVERAGE_POOL_2D, MAX_POOL_2D -> new OpOptions.Pool(padding(name, o, POOL_PADDING),
                    positive(name, "stride_h", get(o, POOL_STRIDE_H, 1)),
                    positive(name, "stride_w", get(o, POOL_STRIDE_W, 1)),
                    positive(name, "filter_height", get(o, POOL_FILTER_H, 0)),
                    positive(name, "filter_width", get(o, POOL_FILTER_W, 0)), activation(name, o, POOL_ACTIVATION));
            case FULLY_CONNECTED -> {
                int format = o == null ? 0 : o.getByte(FC_WEIGHTS_FORMAT, 0);
                if (format != 0) {
                    throw error("layer " + name + " uses shuffled weights format " + format + " (supported: DEFAULT)");
                }
                yield new OpOptions.FullyConnected(activation(name, o, FC_ACTIVATION),
                        o != null && o.getBool(FC_KEEP_NUM_DIMS, false));
            }
            case ADD -> new OpOptions.Add(activation(name, o, ADD_ACTIVATION));
            case SOFTMAX -> new OpOptions.Softmax(o == null ? 0f : o.getFloat(SOFTMAX_BETA, 0f));
            case RESHAPE -> new OpOptions.Reshape(o == null ? new int[0] : o.ints(RESHAPE_NEW_SHAPE));
            case MUL -> new OpOptions.Mul(activation(name, o, MUL_ACTIVATION));
            case CONCATENATION -> new OpOptions.Concatenation(get(o, CONCAT_AXIS, 0),
                    activation(name, o, CONCAT_ACTIVATION));
            // Axes and paddings are constant input tensors, read by withConstantOperands once tensors are known.
            case MEAN -> new OpOptions.Mean(new int[0], o != null && o.getBool(REDUCER_KEEP_DIMS, false));
            case PAD -> new OpOptions.Pad(new int[0], new int[0]);
            case HARD_SWISH, LOGISTIC, QUANTIZE, DEQUANTIZE -> new OpOptions.None();
        };
    }

    /**
     * Ops whose attributes TFLite stores as constant input tensors: MEAN's axes (input 1) and PAD's paddings
     * (input 1, [rank, 2]); CONCATENATION's axis made non-negative. A non-constant operand is an error.
     */
    private List<Op> withConstantOperands(List<Op> ops, List<Tensor> tensors) {
        List<Op> out = new ArrayList<>(ops.size());
        for (Op op : ops) {
            OpOptions options = switch (op.type()) {
                case MEAN -> {
                    int rank = tensors.get(op.input(0)).rank();
                    int[] axes = Arrays.stream(constantInts(op, 1, "axes", tensors))
                            .map(a -> a < 0 ? a + rank : a).sorted().distinct().toArray();
                    for (int a : axes) {
                        if (a < 0 || a >= rank) {
                            throw error("layer " + op.name() + " has axis " + a + " outside its rank-" + rank + " input");
                        }
                    }
                    yield new OpOptions.Mean(axes, ((OpOptions.Mean) op.options()).keepDims());
                }
                case PAD -> {
                    int rank = tensors.get(op.input(0)).rank();
                    int[] p = constantInts(op, 1, "paddings", tensors);
                    if (p.length != 2 * rank) {
                        throw error("layer " + op.name() + " has " + p.length + " paddings for a rank-" + rank
                                + " input (expected [" + rank + ",2])");
                    }
                    int[] before = new int[rank];
                    int[] after = new int[rank];
                    for (int d = 0; d < rank; d++) {
                        before[d] = p[2 * d];
                        after[d] = p[2 * d + 1];
                        if (before[d] < 0 || after[d] < 0) {
                            throw error("layer " + op.name() + " has negative padding " + Arrays.toString(p)
                                    + " (supported: >= 0)");
                        }
                    }
                    yield new OpOptions.Pad(before, after);
                }
                case CONCATENATION -> {
                    OpOptions.Concatenation c = (OpOptions.Concatenation) op.options();
                    int rank = tensors.get(op.input(0)).rank();
                    int axis = c.axis() < 0 ? c.axis() + rank : c.axis();
                    if (axis < 0 || axis >= rank) {
                        throw error("layer " + op.name() + " has axis " + c.axis() + " for rank-" + rank + " inputs");
                    }
                    yield new OpOptions.Concatenation(axis, c.activation());
                }
                default -> op.options();
            };
            out.add(new Op(op.name(), op.type(), op.inputs(), op.outputs(), options));
        }
        return out;
    }

    private int[] constantInts(Op op, int input, String what, List<Tensor> tensors) {
        int t = op.input(input);
        Tensor tensor = t == Op.ABSENT ? null : tensors.get(t);
        if (tensor == null || !tensor.isConstant()) {
            throw error("layer " + op.name() + " has non-constant " + what + " (supported: constant " + what + ")");
        }
        return switch (tensor.dtype()) {
            case INT32 -> tensor.int32s();
            case INT64 -> {
                long[] v = new long[(int) tensor.elementCount()];
                tensor.rawData().asLongBuffer().get(v);
                yield Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
            }
            default -> throw error("layer " + op.name() + " has " + what + " of type " + tensor.dtype().label()
                    + " (supported: int32, int64)");
        };
    }

    private static int get(FbTable options, int slot, int defaultValue) {
        return options == null ? defaultValue : options.getInt(slot, defaultValue);
    }

    private int positive(String layer, String field, int value) {
        if (value < 1) {
            throw error("layer " + layer + " has " + field + " " + value + " (must be >= 1)");
        }
        return value;
    }

    private Padding padding(String layer, FbTable options, int slot) {
        int p = options == null ? 0 : options.getByte(slot, 0);
        return switch (p) {
            case 0 -> Padding.SAME;
            case 1 -> Padding.VALID;
            default -> throw error("layer " + layer + " has padding " + p + " (supported: SAME, VALID)");
        };
    }

    private Activation activation(String layer, FbTable options, int slot) {
        int a = options == null ? 0 : options.getByte(slot, 0);
        return switch (a) {
            case 0 -> Activation.NONE;
            case 1 -> Activation.RELU;
            case 2 -> Activation.RELU_N1_TO_1;
            case 3 -> Activation.RELU6;
            default -> throw error("layer " + layer + " has fused activation "
                    + (a == 4 ? "TANH" : a == 5 ? "SIGN_BIT" : String.valueOf(a))
                    + " (supported: NONE, RELU, RELU_N1_TO_1, RELU6)");
        };
    }

    /**
     * Weight tensors to dequantize on import: int8 weights of a conv/depthwise/FC layer whose input activation is
     * float32 (TFLite's hybrid kernels). Bias of such a layer is float already.
     */
    private boolean[] hybridWeights(FbTable graph, List<Op> ops) {
        boolean[] hybrid = new boolean[graph.tableCount(SUBGRAPH_TENSORS)];
        for (Op op : ops) {
            if (op.type().isQuantizable() && op.input(1) != Op.ABSENT) {
                int in = graph.tableAt(SUBGRAPH_TENSORS, op.input(0)).getByte(TENSOR_TYPE, 0);
                int w = graph.tableAt(SUBGRAPH_TENSORS, op.input(1)).getByte(TENSOR_TYPE, 0);
                hybrid[op.input(1)] = in == TYPE_FLOAT32 && (w == TYPE_INT8 || w == TYPE_UINT8);
            }
        }
        return hybrid;
    }

    private List<Tensor> readTensors(FbTable model, FbTable graph, byte[] file, boolean[] dequantizeOnImport) {
        int n = graph.tableCount(SUBGRAPH_TENSORS);
        int bufferCount = model.tableCount(MODEL_BUFFERS);
        List<Tensor> tensors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FbTable t = graph.tableAt(SUBGRAPH_TENSORS, i);
            String name = t.getString(TENSOR_NAME);
            name = name == null ? "tensor" + i : name;
            String label = InputText.quote(name); // the name in messages: it comes from the file
            if (t.has(TENSOR_SPARSITY)) {
                throw error("tensor " + label + " is sparse (supported: dense tensors)");
            }
            int[] shape = t.ints(TENSOR_SHAPE);
            long elements = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw error("tensor " + label + " has dynamic shape " + Arrays.toString(shape)
                            + " (supported: static shapes)");
                }
                // Engines index a tensor's elements with an int; checked per factor so the product cannot overflow.
                elements *= d;
                if (elements > Integer.MAX_VALUE) {
                    throw error("tensor " + label + " has shape " + Arrays.toString(shape) + ", over "
                            + Integer.MAX_VALUE + " elements (supported: at most " + Integer.MAX_VALUE + ")");
                }
            }
            DType dtype = dtype(label, t.getByte(TENSOR_TYPE, 0));
            QuantParams quant = quantParams(label, t.table(TENSOR_QUANTIZATION), shape);
            long buffer = t.getUint(TENSOR_BUFFER, 0);
            if (buffer >= bufferCount && buffer != 0) {
                throw error("is corrupt: tensor " + label + " refers to buffer " + buffer + " of " + bufferCount);
            }
            byte[] data = buffer == 0 ? null : bufferData(model.tableAt(MODEL_BUFFERS, (int) buffer), file, label);
            if (data != null && data.length == 0) {
                data = null;
            }
            long expectedBytes = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) * dtype.bytes();
            if (data != null && data.length != expectedBytes) {
                throw error("tensor " + label + " has " + data.length + " data bytes, but shape "
                        + Arrays.toString(shape) + " " + dtype.label() + " needs " + expectedBytes);
            }
            Tensor tensor = new Tensor(i, name, shape, dtype, quant, data);
            if (dequantizeOnImport[i] && data != null) {
                if (quant == null) {
                    throw error("hybrid weight tensor " + label + " has no quantization parameters");
                }
                tensor = new Tensor(i, name, shape, DType.FLOAT32, null, floatBytes(tensor.dequantize()));
            }
            tensors.add(tensor);
        }
        return tensors;
    }

    private byte[] bufferData(FbTable buffer, byte[] file, String tensorName) {
        long offset = buffer.getLong(BUFFER_OFFSET, 0);
        if (offset > 1) {
            // Data stored after the flatbuffer (models over 2 GB, or written with that option): offset from file start.
            long size = buffer.getLong(BUFFER_SIZE, 0);
            // offset first, so that offset + size cannot overflow
            if (offset > file.length || size < 0 || size > file.length - offset) {
                throw error("is corrupt: the data of tensor " + tensorName + " is " + size + " bytes at offset "
                        + offset + ", outside the file's " + file.length + " bytes");
            }
            return Arrays.copyOfRange(file, (int) offset, (int) (offset + size));
        }
        return buffer.bytes(BUFFER_DATA);
    }

    private DType dtype(String tensor, int type) {
        return switch (type) {
            case TYPE_FLOAT32 -> DType.FLOAT32;
            case TYPE_INT8 -> DType.INT8;
            case TYPE_UINT8 -> DType.UINT8;
            case TYPE_INT16 -> DType.INT16;
            case TYPE_INT32 -> DType.INT32;
            case TYPE_INT64 -> DType.INT64;
            default -> throw error("tensor " + tensor + " has unsupported type " + tensorTypeName(type)
                    + " (supported: FLOAT32, INT8, UINT8, INT16, INT32, INT64)");
        };
    }

    private QuantParams quantParams(String tensor, FbTable q, int[] shape) {
        float[] scales = q == null ? new float[0] : q.floats(QUANT_SCALE);
        if (scales.length == 0) {
            return null;
        }
        if (q.getUbyte(QUANT_DETAILS_TYPE, 0) != 0) {
            throw error("tensor " + tensor + " uses custom quantization (supported: affine scale/zero point)");
        }
        long[] zeroPoints = q.longs(QUANT_ZERO_POINT);
        if (zeroPoints.length == 0) {
            zeroPoints = new long[scales.length];
        }
        int axis = q.getInt(QUANT_DIMENSION, 0);
        if (scales.length != zeroPoints.length) {
            throw error("tensor " + tensor + " has " + scales.length + " scales but " + zeroPoints.length
                    + " zero points");
        }
        if (scales.length > 1 && (axis < 0 || axis >= shape.length || shape[axis] != scales.length)) {
            throw error("tensor " + tensor + " has " + scales.length + " per-channel scales on axis " + axis
                    + " of shape " + Arrays.toString(shape));
        }
        return new QuantParams(scales, zeroPoints, axis);
    }

    private static byte[] floatBytes(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        out.asFloatBuffer().put(values);
        return out.array();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
