package io.bitsweep.hwsim;

/**
 * Bad input to the hardware simulator: a bad target conf, a layer the target cannot run, a bad size or statistic.
 * The message is one line that names the file or layer, the field and the value. It extends
 * {@link IllegalArgumentException} so that callers (the CLI's error policy) treat it as user input error without
 * hw-sim depending on any project module.
 */
public final class HwSimException extends IllegalArgumentException {
    public HwSimException(String message) {
        super(message);
    }

    public HwSimException(String message, Throwable cause) {
        super(message, cause);
    }
}
