package io.bitsweep.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Enum constants as the words users write (the constant's name in lower case, unless it is {@link Spelled}): one
 * spelling rule for every setting in assignment JSON, CLI options and HOCON configs.
 */
public final class Choices {
    private Choices() {}

    /** A constant whose word is not its name, e.g. {@code tflite-2.6}, which no Java name can spell. */
    public interface Spelled {
        String word();
    }

    /** The word for a constant: its own spelling if it is {@link Spelled}, else its name in lower case. */
    public static String word(Enum<?> value) {
        return value instanceof Spelled s ? s.word() : value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose word is {@code value} (any case), if there is one. */
    public static <E extends Enum<E>> Optional<E> lookup(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (word(e).equalsIgnoreCase(value)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The words of all constants, in declaration order, for "allowed: ..." in error messages. */
    public static String words(Class<? extends Enum<?>> type) {
        List<String> allowed = new ArrayList<>();
        for (Enum<?> e : type.getEnumConstants()) {
            allowed.add(word(e));
        }
        return String.join(", ", allowed);
    }

    /**
     * The constant whose word is {@code value} (any case), else the one-line error
     * {@code <what> '<value>' is not allowed (allowed: a, b)}, the value quoted by {@link InputText#quote}.
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
        // the value is the user's text, so it is quoted with its line breaks escaped: the error stays one line
        return lookup(type, value).orElseThrow(() -> new BitSweepException(what + " " + InputText.quote(value)
                + " is not allowed (allowed: " + words(type) + ")"));
    }
}
