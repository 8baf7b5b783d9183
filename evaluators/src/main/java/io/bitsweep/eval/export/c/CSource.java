package io.bitsweep.eval.export.c;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** C99 text: array initialisers wrapped at a fixed width, exact float literals, string literals. */
final class CSource {
    private static final int WIDTH = 118;

    private final StringBuilder out = new StringBuilder();

    CSource line(String s) {
        out.append(s).append('\n');
        return this;
    }

    CSource format(String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args));
        return this;
    }

    /** {@code static const TYPE name[] = {...};} of int values. */
    CSource array(String type, String name, int[] values) {
        String[] items = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            items[i] = Integer.toString(values[i]);
        }
        return array(type, name, items);
    }

    /** Unsigned bytes. */
    CSource bytes(String name, byte[] values) {
        String[] items = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            items[i] = Integer.toString(values[i] & 0xff);
        }
        return array("uint8_t", name, items);
    }

    /** Floats as hexadecimal literals, which C reads back bit for bit. */
    CSource floats(String name, float[] values) {
        String[] items = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            items[i] = floatLiteral(values[i]);
        }
        return array("float", name, items);
    }

    private CSource array(String type, String name, String[] items) {
        out.append("static const ").append(type).append(' ').append(name).append('[').append(items.length)
                .append("] = {");
        int column = WIDTH;
        for (int i = 0; i < items.length; i++) {
            String item = items[i] + (i + 1 < items.length ? "," : "");
            if (column + item.length() + 1 > WIDTH) {
                out.append("\n   ");
                column = 3;
            }
            out.append(' ').append(item);
            column += item.length() + 1;
        }
        out.append("\n};\n");
        return this;
    }

    static String floatLiteral(float f) {
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("no C literal for " + f);
        }
        return Float.toHexString(f) + "f";
    }

    /** A C string literal of the UTF-8 bytes: printable ASCII as it is (quotes escaped), the rest octal escapes. */
    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c == '"' || c == '\\' || c == '?') { // '?' too: C99 reads "??=" as a trigraph
                b.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format(Locale.ROOT, "\\%03o", c));
            }
        }
        return b.append('"').toString();
    }

    /** Text for a C comment: no comment terminator, one line. */
    static String comment(String s) {
        return s.replace("*/", "* /").replaceAll("[\\r\\n]+", " ");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
