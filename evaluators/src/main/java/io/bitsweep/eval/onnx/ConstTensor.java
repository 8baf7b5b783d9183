package io.bitsweep.eval.onnx;

import io.bitsweep.eval.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A constant ONNX tensor (an initializer, a Constant node, or a value folded from constants) in ONNX's own layout:
 * floating-point types as floats, integer and boolean types as longs.
 */
record ConstTensor(int[] dims, float[] floats, long[] longs) {
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9,
            DOUBLE = 11, UINT32 = 12, UINT64 = 13;

    static ConstTensor ofFloats(int[] dims, float[] v) {
        return new ConstTensor(dims, v, null);
    }

    static ConstTensor ofLongs(int[] dims, long[] v) {
        return new ConstTensor(dims, null, v);
    }

    boolean isFloat() {
        return floats != null;
    }

    int size() {
        return isFloat() ? floats.length : longs.length;
    }

    int rank() {
        return dims.length;
    }

    /** The values as floats (integers converted). */
    float[] asFloats() {
        if (isFloat()) {
            return floats;
        }
        float[] out = new float[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    /** The values as longs (floats truncated toward zero, as ONNX's Cast does). */
    long[] asLongs() {
        if (!isFloat()) {
            return longs;
        }
        long[] out = new long[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) floats[i];
        }
        return out;
    }

    ConstTensor reshaped(int[] newDims) {
        return new ConstTensor(newDims, floats, longs);
    }

    /**
     * Decodes a TensorProto whose data is inline ({@code raw_data} or the typed fields) or given as {@code raw}
     * (external data, already read).
     *
     * @throws IllegalArgumentException naming the problem, for the importer to put in its one-line error
     */
    static ConstTensor decode(TensorProto t, ByteBuffer raw) {
        int[] dims = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("has dimension " + d);
            }
            dims[i] = (int) d;
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("has " + n + " elements (supported: under 2^31)");
        }
        int count = (int) n;
        ByteBuffer bytes = raw != null ? raw : t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer() : null;
        int type = t.getDataType();
        if (bytes != null) {
            bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int width = width(type);
            if (bytes.remaining() != (long) count * width) {
                throw new IllegalArgumentException("has " + bytes.remaining() + " data bytes for " + count + " "
                        + typeName(type) + " elements");
            }
            if (type == FLOAT || type == DOUBLE) {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) {
                    f[i] = type == FLOAT ? bytes.getFloat() : (float) bytes.getDouble();
                }
                return ofFloats(dims, f);
            }
            long[] l = new long[count];
            for (int i = 0; i < count; i++) {
                l[i] = switch (type) {
                    case INT8 -> bytes.get();
                    case UINT8, BOOL -> bytes.get() & 0xff;
                    case INT16 -> bytes.getShort();
                    case UINT16 -> bytes.getShort() & 0xffff;
                    case INT32 -> bytes.getInt();
                    case UINT32 -> bytes.getInt() & 0xffffffffL;
                    default -> bytes.getLong();
                };
            }
            return ofLongs(dims, l);
        }
        switch (type) {
            case FLOAT -> {
                return ofFloats(dims, typed(count, t.getFloatDataCount(), type, () -> {
                    float[] f = new float[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = t.getFloatData(i);
                    }
                    return f;
                }));
            }
            case DOUBLE -> {
                return ofFloats(dims, typed(count, t.getDoubleDataCount(), type, () -> {
                    float[] f = new float[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = (float) t.getDoubleData(i);
                    }
                    return f;
                }));
            }
            case INT64 -> {
                return ofLongs(dims, typed(count, t.getInt64DataCount(), type,
                        () -> t.getInt64DataList().stream().mapToLong(Long::longValue).toArray()));
            }
            case INT8, UINT8, INT16, UINT16, INT32, BOOL -> {
                return ofLongs(dims, typed(count, t.getInt32DataCount(), type,
                        () -> t.getInt32DataList().stream().mapToLong(Integer::longValue).toArray()));
            }
            default -> throw new IllegalArgumentException("has data type " + typeName(type)
                    + " (supported: float, double, int8..int64, uint8..uint32, bool)");
        }
    }

    private static <T> T typed(int count, int have, int type, java.util.function.Supplier<T> values) {
        if (have != count) {
            throw new IllegalArgumentException("has " + have + " " + typeName(type) + " values for " + count
                    + " elements");
        }
        return values.get();
    }

    static int width(int type) {
        return switch (type) {
            case INT8, UINT8, BOOL -> 1;
            case INT16, UINT16 -> 2;
            case FLOAT, INT32, UINT32 -> 4;
            case INT64, DOUBLE, UINT64 -> 8;
            default -> throw new IllegalArgumentException("has data type " + typeName(type)
                    + " (supported: float, double, int8..int64, uint8..uint32, bool)");
        };
    }

    static String typeName(int type) {
        String[] names = {"undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64", "string",
            "bool", "float16", "double", "uint32", "uint64", "complex64", "complex128", "bfloat16"};
        return type >= 0 && type < names.length ? names[type] : "type " + type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConstTensor c && Arrays.equals(dims, c.dims) && Arrays.equals(floats, c.floats)
                && Arrays.equals(longs, c.longs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return "ConstTensor" + Arrays.toString(dims);
    }
}
