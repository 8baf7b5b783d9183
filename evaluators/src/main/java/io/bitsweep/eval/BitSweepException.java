package io.bitsweep.eval;

/**
 * A problem with the user's input (a file, a config value, a spec string) that the CLI reports as one line,
 * without a stack trace. The message must name the file or field and, where there is a closed set, the allowed
 * values.
 */
public class BitSweepException extends RuntimeException {
    public BitSweepException(String message) {
        super(message);
    }

    public BitSweepException(String message, Throwable cause) {
        super(message, cause);
    }
}
