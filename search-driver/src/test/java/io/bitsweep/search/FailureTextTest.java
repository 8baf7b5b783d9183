package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/** How a failure becomes the one error line. */
class FailureTextTest {
    /**
     * A resource whose close() throws the exception its body threw makes try-with-resources throw the JDK's
     * "Self-suppression not permitted" instead: the line names the real failure, its cause.
     */
    @Test
    void aSelfSuppressedFailureIsDescribedByWhatFailed() {
        UncheckedIOException failure = new UncheckedIOException("cannot read hdfs://nn/runs/ic/run.json: Could not "
                + "obtain block", new java.io.IOException("Could not obtain block"));
        AutoCloseable rethrowing = () -> {
            throw failure;
        };
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> {
            try (AutoCloseable r = rethrowing) {
                throw failure;
            }
        });
        assertEquals("Self-suppression not permitted", thrown.getMessage());
        assertEquals("cannot read hdfs://nn/runs/ic/run.json: Could not obtain block", FailureText.describe(thrown));
    }
}
