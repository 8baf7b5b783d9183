package io.bitsweep.eval.fuzz;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.regex.Pattern;

/**
 * The property every reader fuzz target checks (docs/RELIABILITY.md, "Fuzzing"): an input either loads, and the
 * loaded value is usable, or the reader throws the project's one-line error. Any other throwable (an
 * IndexOutOfBounds, NegativeArraySize, NullPointer, Arithmetic exception, an OutOfMemoryError...) propagates
 * unchanged, so Jazzer reports it with its own stack trace; a hang is caught by the {@code @Timeout} of the fuzz
 * test (Jazzer turns it into libFuzzer's per-input timeout when fuzzing).
 *
 * <p>A fuzz target is one small class in the reader's package (so it can reach package-private entry points) with
 * one {@code @FuzzTest} method that calls {@link #check}; {@code evaluators/src/test/fuzz/run-fuzzers.sh} finds
 * every such method and fuzzes it.
 */
public final class ReaderProperty {
    /**
     * Heap bytes any load may allocate regardless of its input: the float engine's activation buffers of a model
     * small enough to compile (the TFLite target compiles only those), reader state, class loading in the first
     * call. Arrow's buffers are direct memory, which this does not see; ShardFiles bounds them by the file size.
     */
    static final long FIXED_ALLOCATION_BYTES = 32L << 20;
    /**
     * Bytes a load may allocate per input byte. The largest legitimate expansion is an int8 hybrid weight tensor:
     * copied from the file, dequantized to float (4x), re-encoded as float32 bytes (4x) and cloned into the
     * tensor (4x), then re-laid out by the float engine (4x again); 64 leaves room for the copies around that.
     */
    static final long ALLOCATION_BYTES_PER_INPUT_BYTE = 64;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASS_LOADING = ManagementFactory.getClassLoadingMXBean();
    /** Any line break a terminal or a log viewer may honour: \n, \r, VT, FF, NEL, LS, PS. */
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");

    /** A load (and whatever use of the loaded value the target makes), which may throw. */
    @FunctionalInterface
    public interface Load {
        void run() throws Exception;
    }

    private ReaderProperty() {}

    /**
     * Runs {@code load} on one input of {@code inputBytes} bytes. Passes if it returns, or throws a
     * {@link BitSweepException} whose message is one line containing every one of {@code mustName} (the file name
     * the reader was given, and for a spec string the allowed forms). Fails if the load allocated more heap than
     * its input justifies, even if it then succeeded or gave the one-line error.
     */
    public static void check(long inputBytes, Load load, String... mustName) throws Exception {
        check(BitSweepException.class, inputBytes, load, mustName);
    }

    /**
     * As {@link #check(long, Load, String...)} for a reader whose one-line error is {@code errorType}: hw-sim, which
     * depends on no project module, throws its own {@code HwSimException}.
     */
    public static void check(Class<? extends RuntimeException> errorType, long inputBytes, Load load,
            String... mustName) throws Exception {
        long classes = CLASS_LOADING.getTotalLoadedClassCount();
        long allocated = allocation(errorType, load, mustName);
        if (CLASS_LOADING.getTotalLoadedClassCount() != classes) {
            // Loading (and, when fuzzing, instrumenting) classes on a path's first run allocates in this thread too:
            // measure the load again, now that its classes are loaded.
            allocated = allocation(errorType, load, mustName);
        }
        long budget = FIXED_ALLOCATION_BYTES + ALLOCATION_BYTES_PER_INPUT_BYTE * inputBytes;
        if (allocated > budget) {
            throw new AssertionError("reading " + inputBytes + " input bytes allocated " + allocated
                    + " bytes on the heap, more than the " + budget + " the input justifies");
        }
    }

    /** Runs the load, checks its error if it fails with one, and returns the heap bytes it allocated. */
    private static long allocation(Class<? extends RuntimeException> errorType, Load load, String... mustName)
            throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            load.run();
        } catch (RuntimeException e) {
            if (!errorType.isInstance(e)) {
                throw e;
            }
            checkMessage(e, mustName);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void checkMessage(RuntimeException e, String... mustName) {
        String message = e.getMessage();
        if (message == null || message.isBlank() || LINE_BREAK.matcher(message).find()) {
            throw new AssertionError("not a one-line error message: " + quoted(message), e);
        }
        for (String name : mustName) {
            if (!message.contains(name)) {
                throw new AssertionError("error message " + quoted(message) + " does not name " + quoted(name), e);
            }
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : InputText.quote(s);
    }
}
