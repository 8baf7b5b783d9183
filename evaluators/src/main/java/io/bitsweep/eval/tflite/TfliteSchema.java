package io.bitsweep.eval.tflite;

import io.bitsweep.eval.model.OpType;

/**
 * Slot numbers of the fields we read and write in TFLite's schema.fbs (file identifier "TFL3"). A field's slot is its
 * position in its table; a union occupies two slots (type, then value). Only what the importer and
 * {@link TfliteWriter} use is listed.
 */
final class TfliteSchema {
    private TfliteSchema() {}

    static final String FILE_IDENTIFIER = "TFL3";

    // table Model
    static final int SCHEMA_VERSION = 3;
    static final int MODEL_VERSION = 0, MODEL_OPERATOR_CODES = 1, MODEL_SUBGRAPHS = 2, MODEL_DESCRIPTION = 3,
            MODEL_BUFFERS = 4, MODEL_METADATA = 6;
    static final int MODEL_FIELDS = 8;
    // table Metadata
    static final int METADATA_NAME = 0, METADATA_BUFFER = 1;
    // table OperatorCode
    static final int OPCODE_DEPRECATED_BUILTIN = 0, OPCODE_CUSTOM = 1, OPCODE_VERSION = 2, OPCODE_BUILTIN = 3;
    /** deprecated_builtin_code of ops whose code is only in builtin_code. */
    static final int PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
    // table SubGraph
    static final int SUBGRAPH_TENSORS = 0, SUBGRAPH_INPUTS = 1, SUBGRAPH_OUTPUTS = 2, SUBGRAPH_OPERATORS = 3,
            SUBGRAPH_NAME = 4;
    // table Tensor
    static final int TENSOR_SHAPE = 0, TENSOR_TYPE = 1, TENSOR_BUFFER = 2, TENSOR_NAME = 3, TENSOR_QUANTIZATION = 4,
            TENSOR_SPARSITY = 6;
    // table QuantizationParameters
    static final int QUANT_SCALE = 2, QUANT_ZERO_POINT = 3, QUANT_DETAILS_TYPE = 4, QUANT_DIMENSION = 6;
    // table Buffer (offset/size: data stored outside the flatbuffer, for models over 2 GB)
    static final int BUFFER_DATA = 0, BUFFER_OFFSET = 1, BUFFER_SIZE = 2;
    // table Operator
    static final int OP_OPCODE_INDEX = 0, OP_INPUTS = 1, OP_OUTPUTS = 2, OP_BUILTIN_OPTIONS_TYPE = 3,
            OP_BUILTIN_OPTIONS = 4;

    // table Conv2DOptions
    static final int CONV_PADDING = 0, CONV_STRIDE_W = 1, CONV_STRIDE_H = 2, CONV_ACTIVATION = 3,
            CONV_DILATION_W = 4, CONV_DILATION_H = 5;
    // table DepthwiseConv2DOptions
    static final int DW_PADDING = 0, DW_STRIDE_W = 1, DW_STRIDE_H = 2, DW_DEPTH_MULTIPLIER = 3, DW_ACTIVATION = 4,
            DW_DILATION_W = 5, DW_DILATION_H = 6;
    // table Pool2DOptions
    static final int POOL_PADDING = 0, POOL_STRIDE_W = 1, POOL_STRIDE_H = 2, POOL_FILTER_W = 3, POOL_FILTER_H = 4,
            POOL_ACTIVATION = 5;
    // table FullyConnectedOptions
    static final int FC_ACTIVATION = 0, FC_WEIGHTS_FORMAT = 1, FC_KEEP_NUM_DIMS = 2;
    // table AddOptions
    static final int ADD_ACTIVATION = 0;
    // table SoftmaxOptions
    static final int SOFTMAX_BETA = 0;
    // table ReshapeOptions
    static final int RESHAPE_NEW_SHAPE = 0;
    // table MulOptions
    static final int MUL_ACTIVATION = 0;
    // table ConcatenationOptions
    static final int CONCAT_AXIS = 0, CONCAT_ACTIVATION = 1;
    // table ReducerOptions
    static final int REDUCER_KEEP_DIMS = 0;

    // enum BuiltinOptions (union type tags)
    static final int OPTIONS_CONV2D = 1, OPTIONS_DEPTHWISE = 2, OPTIONS_POOL2D = 5, OPTIONS_FULLY_CONNECTED = 8,
            OPTIONS_SOFTMAX = 9, OPTIONS_CONCATENATION = 10, OPTIONS_ADD = 11, OPTIONS_RESHAPE = 17, OPTIONS_MUL = 21,
            OPTIONS_REDUCER = 27;

    // enum TensorType
    static final int TYPE_FLOAT32 = 0, TYPE_INT32 = 2, TYPE_UINT8 = 3, TYPE_INT64 = 4, TYPE_INT16 = 7, TYPE_INT8 = 9;

    /** enum TensorType names, by value, for messages. */
    static final String[] TENSOR_TYPE_NAMES = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL",
        "INT16", "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64", "RESOURCE", "VARIANT", "UINT32", "UINT16",
        "INT4"};

    /** enum BuiltinOperator names, by code, for messages about unsupported ops. */
    static final String[] BUILTIN_OPERATOR_NAMES = {"ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D",
        "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
        "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC",
        "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE",
        "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM",
        "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER",
        "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
        "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT",
        "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX", "MINIMUM",
        "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE", "SIN",
        "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM", "SQRT",
        "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR",
        "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE",
        "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",
        "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK",
        "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF",
        "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",
        "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO",
        "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
        "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE",
        "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU",
        "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX",
        "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT"};

    /** The BuiltinOptions union tag of an op type's options; 0 for the ops without (all defaults). */
    static int optionsTag(OpType type) {
        return switch (type) {
            case CONV_2D -> OPTIONS_CONV2D;
            case DEPTHWISE_CONV_2D -> OPTIONS_DEPTHWISE;
            case AVERAGE_POOL_2D, MAX_POOL_2D -> OPTIONS_POOL2D;
            case FULLY_CONNECTED -> OPTIONS_FULLY_CONNECTED;
            case SOFTMAX -> OPTIONS_SOFTMAX;
            case ADD -> OPTIONS_ADD;
            case RESHAPE -> OPTIONS_RESHAPE;
            case MUL -> OPTIONS_MUL;
            case CONCATENATION -> OPTIONS_CONCATENATION;
            case MEAN -> OPTIONS_REDUCER;
            case PAD, HARD_SWISH, LOGISTIC, QUANTIZE, DEQUANTIZE -> 0;
        };
    }

    static String builtinName(int code) {
        return code >= 0 && code < BUILTIN_OPERATOR_NAMES.length ? BUILTIN_OPERATOR_NAMES[code] : "builtin op " + code;
    }

    static String tensorTypeName(int type) {
        return type >= 0 && type < TENSOR_TYPE_NAMES.length ? TENSOR_TYPE_NAMES[type] : "type " + type;
    }
}
