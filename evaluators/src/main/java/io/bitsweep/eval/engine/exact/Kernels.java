package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.BitSweepException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which kernels run the int8 GEMMs of the exact engine (the CLI's {@code --kernels}). Both give the same bytes:
 * integer accumulation is exact in any order.
 */
public enum Kernels {
    /** The native AVX-512 VNNI kernel where it loads (linux-x86_64 with avx512_vnni), else the Java kernels. */
    AUTO,
    /** The Vector API kernels, on any platform. */
    JAVA,
    /** The native kernel; an error where it does not load. */
    NATIVE;

    /** {@code auto}, {@code java} or {@code native}; anything else is a one-line error naming the allowed values. */
    public static Kernels parse(String s) {
        for (Kernels k : values()) {
            if (k.label().equals(s)) {
                return k;
            }
        }
        throw new BitSweepException("kernels '" + s + "' is not allowed (allowed: "
                + Arrays.stream(values()).map(Kernels::label).collect(Collectors.joining(", ")) + ")");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
