package io.bitsweep.hwsim;

import java.util.Locale;

/** Which operand stays in the PEs of a systolic array: outputs, weights or inputs (SCALE-Sim's OS, WS, IS). */
public enum Dataflow {
    OS, WS, IS;

    public static Dataflow parse(String where, String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HwSimException(where + " = " + s + ": allowed os, ws, is");
        }
    }
}
