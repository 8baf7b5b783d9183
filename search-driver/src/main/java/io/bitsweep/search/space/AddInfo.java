package io.bitsweep.search.space;

import java.io.Serializable;
import java.util.List;

/**
 * An ADD of the model, as the search sees it: its name ({@code add_0}) and, for each input, the name of the
 * quantizable layer or ADD whose output it reads (through pools and reshapes, which keep their input's scale), or
 * {@link #OTHER} (the model input, any other op).
 */
public record AddInfo(String name, List<String> inputs) implements Serializable {
    /** An input not written by a quantizable layer or an ADD. */
    public static final String OTHER = "";

    public AddInfo {
        inputs = List.copyOf(inputs);
    }
}
