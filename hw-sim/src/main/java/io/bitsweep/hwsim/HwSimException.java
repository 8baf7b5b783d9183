package io.bitsweep.hwsim;

import java.util.regex.Pattern;

/**
 * Bad input to the hardware simulator: a bad target conf, a layer the target cannot run, a bad size or statistic.
 * The message is one line that names the file or layer, the field and the value. It extends
 * {@link IllegalArgumentException} so that callers (the CLI's error policy) treat it as user input error without
 * hw-sim depending on any project module.
 */
public final class HwSimException extends IllegalArgumentException {
    /** Control characters and line or paragraph separators: a value from a file may hold them. */
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\u2028\\u2029]");

    public HwSimException(String message) {
        super(oneLine(message));
    }

    public HwSimException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The message with such characters as \\uXXXX escapes, so it stays one line whatever the file held. */
    private static String oneLine(String message) {
        return UNPRINTABLE.matcher(message).replaceAll(m -> String.format("\\\\u%04x", (int) m.group().charAt(0)));
    }
}
