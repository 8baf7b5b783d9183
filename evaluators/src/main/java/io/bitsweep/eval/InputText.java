package io.bitsweep.eval;

/**
 * Text taken from a user's input (a spec string, a name or header inside a file) as it appears in a one-line error
 * message: control and line-breaking characters escaped so the message stays one line, and cut short if long so
 * the line stays readable.
 */
public final class InputText {
    /** Characters of the input shown before it is cut short. */
    static final int MAX_SHOWN = 200;

    private InputText() {}

    /** {@code text} in single quotes: {@code '\n'} and other control characters as escapes, cut after 200 chars. */
    public static String quote(String text) {
        int shown = shownLength(text);
        return "'" + escape(text, shown) + "'" + cutNote(text, shown);
    }

    /**
     * A message that may repeat input (a library's exception message about a corrupt file) as one line, escaped
     * and cut like {@link #quote} but without the quotes.
     */
    public static String oneLine(String message) {
        int shown = shownLength(message);
        return escape(message, shown) + cutNote(message, shown);
    }

    private static int shownLength(String text) {
        int shown = Math.min(text.length(), MAX_SHOWN);
        if (shown < text.length() && Character.isHighSurrogate(text.charAt(shown - 1))) {
            shown--; // not half a character
        }
        return shown;
    }

    private static String escape(String text, int shown) {
        StringBuilder sb = new StringBuilder(shown + 8);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR
                            || type == Character.PARAGRAPH_SEPARATOR) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String cutNote(String text, int shown) {
        return shown < text.length() ? "... (" + text.length() + " characters)" : "";
    }
}
