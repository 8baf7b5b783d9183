package io.bitsweep.eval.engine.exact;

/** Describes how two int8 output rows differ, for assertion messages. */
public final class Exactness {
    private Exactness() {}

    public static String describe(byte[] expected, byte[] actual) {
        int diff = 0;
        int maxAbs = 0;
        for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
            if (expected[i] != actual[i]) {
                diff++;
                maxAbs = Math.max(maxAbs, Math.abs(expected[i] - actual[i]));
            }
        }
        return diff + " bytes differ, max |diff| " + maxAbs;
    }
}
