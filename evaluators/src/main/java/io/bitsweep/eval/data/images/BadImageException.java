package io.bitsweep.eval.data.images;

import io.bitsweep.eval.BitSweepException;

/** An image that cannot be converted; the message names the file and why. */
public final class BadImageException extends BitSweepException {
    public BadImageException(String message) {
        super(message);
    }

    public BadImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
