package io.bitsweep.eval.model;

import java.util.Locale;

/** Element types of IR tensors (the subset of TFLite's TensorType that the supported ops use). */
public enum DType {
    FLOAT32(4), INT8(1), UINT8(1), INT16(2), INT32(4), INT64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element in raw constant data (little-endian). */
    public int bytes() {
        return bytes;
    }

    /** Lower-case name as printed by {@code bitsweep inspect}: float32, int8, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
