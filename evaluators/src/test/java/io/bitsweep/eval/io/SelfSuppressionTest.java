package io.bitsweep.eval.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The JDK's try-with-resources over a stream whose close() rethrows its body's failure. */
class SelfSuppressionTest {
    @Test
    void theFailureBehindTheJdksSelfSuppressionErrorIsFound() {
        IOException lost = new IOException("All datanodes [127.0.0.1:9866] are bad. Aborting...");
        AutoCloseable stream = () -> {
            throw lost;
        };
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> {
            try (AutoCloseable s = stream) {
                throw lost;
            }
        });
        assertSame(lost, SelfSuppression.unwrap(thrown));
        // Anything else stands for itself, an IllegalArgumentException with a cause too.
        IllegalArgumentException other = new IllegalArgumentException("bad value", lost);
        assertSame(other, SelfSuppression.unwrap(other));
        assertSame(lost, SelfSuppression.unwrap(lost));
        assertEquals("Self-suppression not permitted", thrown.getMessage());
    }
}
