package io.bitsweep.eval.tflite;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A read-only view of one FlatBuffers table, with field access by slot number (the field's position in the schema,
 * counting a union as two slots). {@link TfliteSchema} names the slots of the TFLite tables we read; this replaces
 * flatc-generated accessors for the small subset of schema.fbs we need, so the build does not need flatc.
 *
 * <p>Every vector read is bounds-checked, so a truncated file fails with {@link IndexOutOfBoundsException}, which the
 * importer turns into a one-line error.
 */
final class FbTable extends Table {

    private FbTable(int position, ByteBuffer bb) {
        __reset(position, bb);
    }

    /** The root table of a finished buffer (little-endian, position 0 = file start). */
    static FbTable root(ByteBuffer bb) {
        bb.order(ByteOrder.LITTLE_ENDIAN);
        int root = bb.getInt(0);
        checkRange(bb, root, 4);
        return new FbTable(root, bb);
    }

    private static int vtableOffset(int slot) {
        return 4 + 2 * slot;
    }

    private int field(int slot) {
        return __offset(vtableOffset(slot));
    }

    boolean has(int slot) {
        return field(slot) != 0;
    }

    int getInt(int slot, int defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.getInt(o + bb_pos);
    }

    long getUint(int slot, long defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : Integer.toUnsignedLong(bb.getInt(o + bb_pos));
    }

    long getLong(int slot, long defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.getLong(o + bb_pos);
    }

    int getByte(int slot, int defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.get(o + bb_pos);
    }

    int getUbyte(int slot, int defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.get(o + bb_pos) & 0xff;
    }

    boolean getBool(int slot, boolean defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.get(o + bb_pos) != 0;
    }

    float getFloat(int slot, float defaultValue) {
        int o = field(slot);
        return o == 0 ? defaultValue : bb.getFloat(o + bb_pos);
    }

    String getString(int slot) {
        int o = field(slot);
        if (o == 0) {
            return null;
        }
        int start = __indirect(o + bb_pos);
        int len = bb.getInt(start);
        checkRange(bb, start + 4, len);
        // Decoded here rather than by Table.__string, whose decoder throws IllegalArgumentException on bytes that
        // are not UTF-8: a name with such bytes is still a name (shown with U+FFFD), not a reason to fail.
        byte[] utf8 = new byte[len];
        bb.get(start + 4, utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** A sub-table, or null if the field is absent. */
    FbTable table(int slot) {
        int o = field(slot);
        if (o == 0) {
            return null;
        }
        int pos = __indirect(o + bb_pos);
        checkRange(bb, pos, 4);
        return new FbTable(pos, bb);
    }

    /** Number of elements of a vector of tables (0 if absent), after checking that the vector lies in the buffer. */
    int tableCount(int slot) {
        vectorStart(slot, 4);
        return vectorLength(slot);
    }

    /** Element {@code i} of a vector of tables. */
    FbTable tableAt(int slot, int i) {
        int start = vectorStart(slot, 4);
        int pos = __indirect(start + 4 * i);
        checkRange(bb, pos, 4);
        return new FbTable(pos, bb);
    }

    // Each array is allocated only after vectorStart has checked the declared length against the buffer: a
    // corrupt length must not allocate more than the file holds.

    int[] ints(int slot) {
        int start = vectorStart(slot, 4);
        int[] out = new int[vectorLength(slot)];
        for (int i = 0; i < out.length; i++) {
            out[i] = bb.getInt(start + 4 * i);
        }
        return out;
    }

    float[] floats(int slot) {
        int start = vectorStart(slot, 4);
        float[] out = new float[vectorLength(slot)];
        for (int i = 0; i < out.length; i++) {
            out[i] = bb.getFloat(start + 4 * i);
        }
        return out;
    }

    long[] longs(int slot) {
        int start = vectorStart(slot, 8);
        long[] out = new long[vectorLength(slot)];
        for (int i = 0; i < out.length; i++) {
            out[i] = bb.getLong(start + 8 * i);
        }
        return out;
    }

    byte[] bytes(int slot) {
        int start = vectorStart(slot, 1);
        byte[] out = new byte[vectorLength(slot)];
        bb.get(start, out);
        return out;
    }

    /** Length of a vector field (0 if absent), unchecked. */
    private int vectorLength(int slot) {
        int o = field(slot);
        return o == 0 ? 0 : __vector_len(o);
    }

    /** Start of a vector's elements, after checking that all of them lie inside the buffer (0 if absent). */
    private int vectorStart(int slot, int elementBytes) {
        int o = field(slot);
        if (o == 0) {
            return 0;
        }
        int start = __vector(o);
        checkRange(bb, start, (long) __vector_len(o) * elementBytes);
        return start;
    }

    private static void checkRange(ByteBuffer bb, int start, long length) {
        if (start < 0 || length < 0 || start + length > bb.limit()) {
            throw new IndexOutOfBoundsException("range " + start + "+" + length + " outside " + bb.limit() + " bytes");
        }
    }
}
