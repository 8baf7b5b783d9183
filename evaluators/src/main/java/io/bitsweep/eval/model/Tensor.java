package io.bitsweep.eval.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * A tensor of the IR: an activation (no data) or a constant (weights, biases, shapes). Constant data is kept raw,
 * exactly as the model file stores it (little-endian, row-major), so integer engines see the original int8/int32
 * values; {@link #floats()} and {@link #dequantize()} give float views.
 */
public final class Tensor {
    private final int index;
    private final String name;
    private final int[] shape;
    private final DType dtype;
    private final QuantParams quant;
    private final byte[] data;

    /**
     * @param index position in {@link Model#tensors()}
     * @param quant null if the tensor is not quantized
     * @param data raw little-endian constant data, or null for activations
     */
    public Tensor(int index, String name, int[] shape, DType dtype, QuantParams quant, byte[] data) {
        this.index = index;
        this.name = name;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.quant = quant;
        this.data = data == null ? null : data.clone();
        if (data != null && (long) data.length != elementCount() * dtype.bytes()) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.length + " data bytes for shape "
                    + Arrays.toString(shape) + " " + dtype.label());
        }
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code d}; negative d counts from the end (-1 is the last dimension). */
    public int dim(int d) {
        return shape[d < 0 ? shape.length + d : d];
    }

    public long elementCount() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public Optional<QuantParams> quant() {
        return Optional.ofNullable(quant);
    }

    public boolean isConstant() {
        return data != null;
    }

    /** A read-only little-endian view of the raw constant data. */
    public ByteBuffer rawData() {
        requireConstant();
        return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The constant data of an int8 tensor. */
    public byte[] int8s() {
        requireType(DType.INT8);
        return data.clone();
    }

    /** The constant data of an int32 tensor. */
    public int[] int32s() {
        requireType(DType.INT32);
        int[] out = new int[data.length / 4];
        rawData().asIntBuffer().get(out);
        return out;
    }

    /** The constant data of a float32 tensor. */
    public float[] floats() {
        requireType(DType.FLOAT32);
        float[] out = new float[data.length / 4];
        rawData().asFloatBuffer().get(out);
        return out;
    }

    /**
     * The constant data as real numbers: float32 as is, quantized integer tensors as
     * {@code scale[c] * (q - zeroPoint[c])} with c the index along the quantized axis.
     */
    public float[] dequantize() {
        requireConstant();
        if (dtype == DType.FLOAT32) {
            return floats();
        }
        if (quant == null) {
            throw new IllegalStateException("tensor " + name + " (" + dtype.label() + ") has no quantization parameters");
        }
        int n = (int) elementCount();
        int inner = 1;
        if (quant.isPerChannel()) {
            for (int d = quant.axis() + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        int channels = quant.count();
        ByteBuffer raw = rawData();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            long q = switch (dtype) {
                case INT8 -> raw.get(i);
                case UINT8 -> raw.get(i) & 0xff;
                case INT16 -> raw.getShort(2 * i);
                case INT32 -> raw.getInt(4 * i);
                case INT64 -> raw.getLong(8 * i);
                case FLOAT32 -> throw new AssertionError();
            };
            int c = (i / inner) % channels;
            out[i] = quant.scale(c) * (q - quant.zeroPoint(c));
        }
        return out;
    }

    private void requireConstant() {
        if (data == null) {
            throw new IllegalStateException("tensor " + name + " is not a constant");
        }
    }

    private void requireType(DType expected) {
        requireConstant();
        if (dtype != expected) {
            throw new IllegalStateException("tensor " + name + " is " + dtype.label() + ", not " + expected.label());
        }
    }

    /** E.g. {@code [1,32,32,3] int8}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append("] ").append(dtype.label()).toString();
    }

    @Override
    public String toString() {
        return "Tensor#" + index + " " + name + " " + describe();
    }
}
