package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Number spec strings (case-insensitive, surrounding blanks ignored):
 * <pre>
 *   int&lt;2..16&gt;[:asym][:pot]          symmetric / asymmetric integers, float or power-of-two scale
 *   pruned | fp32
 *   bfp:m&lt;2..16&gt;:b&lt;4..256&gt;[:e&lt;4..8&gt;] block floating point; m includes the sign; e defaults to 8
 *   mxint8 | mxfp8_e4m3 | mxfp8_e5m2 | mxfp6_e3m2 | mxfp6_e2m3 | mxfp4_e2m1 [:b&lt;4..256&gt;]   OCP MX v1.0, block 32
 * </pre>
 * Options may come in any order; the canonical spec lists them in the order above and leaves defaults out.
 */
final class SpecParser {
    static final String ALLOWED = "int2..int16[:asym][:pot], pruned, fp32, bfp:m<2..16>:b<4..256>[:e<4..8>], "
            + "mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1 (MX: block 32, or :b<4..256>)";
    private static final String INT_FORMS = "int2..int16[:asym][:pot]";
    private static final String BFP_FORMS = "bfp:m<2..16>:b<4..256>[:e<4..8>]";
    static final int MIN_BLOCK = 4;
    static final int MAX_BLOCK = 256;
    static final int MX_BLOCK = 32;

    private static final Map<String, ElementType> MX_ELEMENTS = Map.of(
            "mxint8", new ElementType.IntElement(8),
            "mxfp8_e4m3", ElementType.FpElement.E4M3,
            "mxfp8_e5m2", ElementType.FpElement.E5M2,
            "mxfp6_e3m2", ElementType.FpElement.E3M2,
            "mxfp6_e2m3", ElementType.FpElement.E2M3,
            "mxfp4_e2m1", ElementType.FpElement.E2M1);
    private static final Pattern OPTION = Pattern.compile("([a-z]+)(\\d{1,6})?");

    private SpecParser() {}

    static NumberFormat parse(String text) {
        if (text == null || text.isBlank()) {
            throw new BitSweepException("empty number format (allowed: " + ALLOWED + ")");
        }
        String spec = text.strip().toLowerCase(Locale.ROOT);
        String[] parts = spec.split(":", -1);
        String head = parts[0];
        if (head.equals("pruned") || head.equals("fp32")) {
            if (parts.length > 1) {
                throw bad(text, "'" + head + "' takes no options (allowed: " + head + ")");
            }
            return head.equals("pruned") ? new PrunedFormat() : new Fp32Format();
        }
        if (head.matches("int\\d{1,6}")) {
            return parseInt(text, head, parts);
        }
        if (head.equals("bfp")) {
            return parseBfp(text, parts);
        }
        ElementType mxElement = MX_ELEMENTS.get(head);
        if (mxElement != null) {
            return parseMx(text, head, mxElement, parts);
        }
        throw new BitSweepException("unknown number format " + InputText.quote(text) + " (allowed: " + ALLOWED + ")");
    }

    private static NumberFormat parseInt(String text, String head, String[] parts) {
        int bits = Integer.parseInt(head.substring(3));
        if (bits < 2 || bits > 16) {
            throw bad(text, bits + " bits is out of range (allowed: int2..int16)");
        }
        boolean asym = false;
        boolean pot = false;
        for (int i = 1; i < parts.length; i++) {
            switch (parts[i]) {
                case "asym" -> asym = once(text, asym, "asym", INT_FORMS);
                case "pot" -> pot = once(text, pot, "pot", INT_FORMS);
                default -> throw bad(text, "unknown option " + InputText.quote(":" + parts[i])
                        + " (allowed: :asym, :pot)");
            }
        }
        return new IntFormat(bits, asym, pot);
    }

    private static NumberFormat parseBfp(String text, String[] parts) {
        int m = -1;
        int b = -1;
        int e = -1;
        for (int i = 1; i < parts.length; i++) {
            Matcher opt = OPTION.matcher(parts[i]);
            if (!opt.matches() || opt.group(2) == null) {
                throw bad(text, "bad option " + InputText.quote(":" + parts[i]) + " (allowed: " + BFP_FORMS + ")");
            }
            int value = Integer.parseInt(opt.group(2));
            switch (opt.group(1)) {
                case "m" -> m = set(text, m, value, "m", "mantissa bits", 2, 16, BFP_FORMS);
                case "b" -> b = set(text, b, value, "b", "block size", MIN_BLOCK, MAX_BLOCK, BFP_FORMS);
                case "e" -> e = set(text, e, value, "e", "shared exponent bits", 4, 8, BFP_FORMS);
                default -> throw bad(text, "unknown option " + InputText.quote(":" + parts[i])
                        + " (allowed: " + BFP_FORMS + ")");
            }
        }
        if (m < 0 || b < 0) {
            throw bad(text, "missing " + (m < 0 ? "mantissa bits :m<2..16>" : "block size :b<4..256>")
                    + " (allowed: " + BFP_FORMS + ")");
        }
        int scaleBits = e < 0 ? 8 : e;
        String canonical = "bfp:m" + m + ":b" + b + (scaleBits == 8 ? "" : ":e" + scaleBits);
        return new BlockFormat(canonical, new ElementType.IntElement(m), b, scaleBits, false);
    }

    private static NumberFormat parseMx(String text, String head, ElementType element, String[] parts) {
        int b = -1;
        for (int i = 1; i < parts.length; i++) {
            Matcher opt = OPTION.matcher(parts[i]);
            if (!opt.matches() || !opt.group(1).equals("b") || opt.group(2) == null) {
                throw bad(text, "unknown option " + InputText.quote(":" + parts[i])
                        + " (allowed: " + head + "[:b<4..256>])");
            }
            b = set(text, b, Integer.parseInt(opt.group(2)), "b", "block size", MIN_BLOCK, MAX_BLOCK,
                    head + "[:b<4..256>]");
        }
        int block = b < 0 ? MX_BLOCK : b;
        return new BlockFormat(block == MX_BLOCK ? head : head + ":b" + block, element, block, 8, true);
    }

    /** A numeric option's value, once; {@code forms} are the allowed forms of the whole spec, for the message. */
    private static int set(String text, int current, int value, String key, String what, int min, int max,
                           String forms) {
        if (current >= 0) {
            throw bad(text, "':" + key + "' is given twice (allowed: " + forms + ")");
        }
        if (value < min || value > max) {
            throw bad(text, what + " " + value + " is out of range (allowed: " + key + min + ".." + key + max + ")");
        }
        return value;
    }

    private static boolean once(String text, boolean seen, String option, String forms) {
        if (seen) {
            throw bad(text, "':" + option + "' is given twice (allowed: " + forms + ")");
        }
        return true;
    }

    private static BitSweepException bad(String text, String why) {
        return new BitSweepException("bad number format " + InputText.quote(text) + ": " + why);
    }
}
