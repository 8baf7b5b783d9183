package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An MLPerf Tiny {@code y_labels.csv}: one row per sample, {@code file,classes,label[,extra...]} (the EEMBC runner's
 * format; AD rows carry two more columns, 2560 and 512, the runner's window bytes and stride). Spaces around fields
 * are allowed. All rows must agree on the number of classes and columns.
 */
record LabelsCsv(Path file, List<String> files, int[] labels, int classes, int columns) {
    static final String NAME = "y_labels.csv";

    static LabelsCsv read(Path dir) {
        Path file = dir.resolve(NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BitSweepException(dir + " has no " + NAME + " (an MLPerf Tiny data directory holds .bin files"
                    + " and " + NAME + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file);
    }

    /** Parses the contents of a y_labels.csv; {@code file} names it in messages. */
    static LabelsCsv parse(byte[] bytes, Path file) {
        List<String> lines = utf8(bytes, file).lines().toList();
        List<String> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int classes = -1;
        int columns = -1;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (n + 1);
            // Split on the commas, then strip each field: the regex "\\s*,\\s*" backtracks over every run of blanks
            // not followed by a comma, quadratic in a line of blanks (found by CI's fuzzing, RELIABILITY.md crash 39).
            String[] f = Arrays.stream(line.split(",")).map(String::strip).toArray(String[]::new);
            if (f.length < 3) {
                throw new BitSweepException(where + ": expected 'file,classes,label[,...]', got " + InputText.quote(line));
            }
            int rowClasses = parseInt(f[1], where, "classes");
            int label = parseInt(f[2], where, "label");
            if (classes == -1) {
                classes = rowClasses;
                columns = f.length;
            } else if (rowClasses != classes || f.length != columns) {
                throw new BitSweepException(where + ": " + f.length + " columns with " + rowClasses
                        + " classes, but line 1 has " + columns + " columns with " + classes + " classes");
            }
            if (label < 0 || label >= classes) {
                throw new BitSweepException(where + ": label " + label + " out of range (allowed: 0.." + (classes - 1) + ")");
            }
            if (!seen.add(f[0])) {
                throw new BitSweepException(where + ": file " + InputText.quote(f[0]) + " is listed twice");
            }
            files.add(f[0]);
            labels.add(label);
        }
        if (files.isEmpty()) {
            throw new BitSweepException(file + " lists no samples");
        }
        return new LabelsCsv(file, List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(),
                classes, columns);
    }

    /** The file as text; bytes that are not UTF-8 are an error naming their offset. */
    private static String utf8(byte[] bytes, Path file) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new BitSweepException(file + ": not UTF-8 text (invalid byte at offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    private static int parseInt(String s, String where, String field) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new BitSweepException(where + ": " + field + " " + InputText.quote(s) + " is not an integer");
        }
    }
}
