package io.bitsweep.eval.io;

/**
 * try-with-resources over a stream whose close() rethrows the very exception its body threw (an HDFS stream after its
 * datanode is lost: a read or write fails, and close() throws the stream's stored failure again) makes the JDK throw
 * {@code IllegalArgumentException("Self-suppression not permitted")} with that failure as its cause, instead of the
 * failure. Code that handles the failure by its type looks through that.
 */
public final class SelfSuppression {
    private static final String MESSAGE = "Self-suppression not permitted";

    private SelfSuppression() {}

    /** The failure {@code ex} stands for: its cause if it is the JDK's self-suppression error, else itself. */
    public static Throwable unwrap(Throwable ex) {
        return ex instanceof IllegalArgumentException && MESSAGE.equals(ex.getMessage()) && ex.getCause() != null
                ? ex.getCause() : ex;
    }
}
