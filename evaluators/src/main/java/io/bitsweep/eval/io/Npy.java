package io.bitsweep.eval.io;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files, format version 1.0 (and 2.0/3.0 on read), C order, little-endian. Supported dtypes:
 * float32, float64, int8, uint8, int16, int32, int64. Written atomically.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** The dtypes we read and write, by their NumPy descr. */
    public enum DType {
        FLOAT32("<f4", 4), FLOAT64("<f8", 8), INT8("|i1", 1), UINT8("|u1", 1), INT16("<i2", 2), INT32("<i4", 4),
        INT64("<i8", 8);

        public final String descr;
        public final int size;

        DType(String descr, int size) {
            this.descr = descr;
            this.size = size;
        }

        static DType of(String descr, Path file) {
            String d = descr.replace("<i1", "|i1").replace("<u1", "|u1").replace("=", "<");
            for (DType t : values()) {
                if (t.descr.equals(d)) {
                    return t;
                }
            }
            throw new BitSweepException(file + ": unsupported .npy dtype " + InputText.quote(descr)
                    + " (allowed: float32 <f4, float64 <f8, int8 |i1, uint8 |u1, int16 <i2, int32 <i4, int64 <i8;"
                    + " little-endian only)");
        }
    }

    /** An array read from or for a .npy file. {@code data} is little-endian and positioned at 0. */
    public record Array(DType dtype, int[] shape, ByteBuffer data) {
        public long count() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /** All elements converted to float (exact for every integer type we read except large int64). */
        public float[] toFloats() {
            int n = Math.toIntExact(count());
            float[] out = new float[n];
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case FLOAT32 -> b.getFloat();
                    case FLOAT64 -> (float) b.getDouble();
                    case INT8 -> b.get();
                    case UINT8 -> b.get() & 0xff;
                    case INT16 -> b.getShort();
                    case INT32 -> b.getInt();
                    case INT64 -> b.getLong();
                };
            }
            return out;
        }
    }

    /** All elements of a float32 or float64 array as doubles (exact); other dtypes are refused. */
    public static double[] toDoubles(Array a, Path file) {
        if (a.dtype() != DType.FLOAT32 && a.dtype() != DType.FLOAT64) {
            throw new BitSweepException(file + ": dtype " + a.dtype().descr + " is not supported here (allowed: "
                    + "float32 <f4, float64 <f8)");
        }
        int n = Math.toIntExact(a.count());
        double[] out = new double[n];
        ByteBuffer b = a.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            out[i] = a.dtype() == DType.FLOAT64 ? b.getDouble() : b.getFloat();
        }
        return out;
    }

    private Npy() {}

    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file);
    }

    static Array parse(byte[] bytes, Path file) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new BitSweepException(file + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(b.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new BitSweepException(file + ": corrupt .npy header (truncated)");
            }
            headerLen = b.getInt(8);
            headerStart = 12;
        } else {
            throw new BitSweepException(file + ": unsupported .npy format version " + major + " (allowed: 1, 2, 3)");
        }
        if (headerLen < 0 || headerStart + headerLen > bytes.length) {
            throw new BitSweepException(file + ": corrupt .npy header (length " + headerLen + " exceeds the file)");
        }
        String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeM = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw new BitSweepException(file + ": corrupt .npy header (need 'descr', 'fortran_order' and 'shape'): "
                    + InputText.quote(header.strip()));
        }
        DType dtype = DType.of(descr.group(1), file);
        if (fortran.group(1).equals("True")) {
            throw new BitSweepException(file + ": Fortran-order .npy arrays are not supported (save with C order)");
        }
        int[] shape;
        try {
            shape = Arrays.stream(shapeM.group(1).split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new BitSweepException(file + ": corrupt .npy header (bad shape " + InputText.quote(shapeM.group(1))
                    + ")");
        }
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new BitSweepException(file + ": corrupt .npy header (negative dimension in shape)");
            }
            count *= d;
        }
        int dataStart = headerStart + headerLen;
        long expected = count * dtype.size;
        if (bytes.length - dataStart != expected) {
            throw new BitSweepException(file + ": .npy data has " + (bytes.length - dataStart) + " bytes but shape "
                    + Arrays.toString(shape) + " of " + descr.group(1) + " needs " + expected);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) expected).slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Array(dtype, shape, data);
    }

    public static void writeFloats(Path file, float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        write(file, new Array(DType.FLOAT32, shape, b));
    }

    public static void writeInt8(Path file, byte[] values, int... shape) {
        write(file, new Array(DType.INT8, shape, ByteBuffer.wrap(values)));
    }

    public static void write(Path file, Array array) {
        if (array.count() * array.dtype().size != array.data().remaining()) {
            throw new IllegalArgumentException("npy: shape " + Arrays.toString(array.shape()) + " does not match "
                    + array.data().remaining() + " bytes of " + array.dtype());
        }
        byte[] header = header(array.dtype(), array.shape());
        AtomicFiles.write(file, out -> {
            out.write(header);
            ByteBuffer d = array.data().duplicate();
            byte[] chunk = new byte[1 << 16];
            while (d.hasRemaining()) {
                int n = Math.min(chunk.length, d.remaining());
                d.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        });
    }

    /** Version 1.0 header: magic, version, little-endian u16 length, dict padded with spaces to 64 bytes. */
    private static byte[] header(DType dtype, int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int d : shape) {
            s.append(d).append(", ");
        }
        String shapeStr = shape.length == 1 ? "(" + shape[0] + ",)" : (shape.length == 0 ? "()" : s.substring(0, s.length() - 2) + ")");
        String dict = "{'descr': '" + dtype.descr + "', 'fortran_order': False, 'shape': " + shapeStr + ", }";
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String text = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer h = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        h.put(text.getBytes(StandardCharsets.ISO_8859_1));
        return h.array();
    }
}
