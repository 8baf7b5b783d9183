package io.bitsweep.eval.data.images;

import java.util.Arrays;

/** What conversion does with an image it cannot use (corrupt, grey, odd-sized, listed but missing). */
public enum BadImages {
    /** Stop with an error naming the file and the reason; nothing is written. */
    ERROR,
    /** Leave it out, count it and name it in the output. */
    SKIP;

    public String optionValue() {
        return name().toLowerCase();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(BadImages::optionValue).toList());
    }
}
