package io.bitsweep.search;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.SelfSuppression;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/**
 * Which failures are the user's input (our own {@link BitSweepException}, {@link IllegalArgumentException}, I/O
 * problems) rather than internal errors, and the one line that describes a failure. The CLI prints it after
 * "error: "; a sweep records it as a failed cell's error and runs the other cells.
 */
public final class FailureText {
    private FailureText() {}

    public static boolean isBadInput(Throwable ex) {
        return ex instanceof BitSweepException || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof UncheckedIOException;
    }

    /** One line: a bad input's own message, anything else prefixed by its class name. */
    public static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            // new UncheckedIOException(cause) only repeats the cause; a message of its own names the file
            // ("cannot write .../archive.parquet: No space left on device"), which the cause alone may not.
            // A missing file is said the one way, "no such file: <path>", whoever wrapped it.
            String own = u.getMessage();
            boolean ownSaysMore = own != null && !own.equals(u.getCause().toString())
                    && !(u.getCause() instanceof NoSuchFileException);
            return ownSaysMore ? own.replace('\n', ' ') : describe(u.getCause());
        }
        if (SelfSuppression.unwrap(ex) != ex) {
            // Seen in CI, reading from an HDFS datanode that was stopped: the cause is the failure.
            return describe(ex.getCause());
        }
        String msg = ex.getMessage();
        if (isBadInput(ex) && msg != null) {
            return msg.replace('\n', ' ');
        }
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.replace('\n', ' '));
    }
}
