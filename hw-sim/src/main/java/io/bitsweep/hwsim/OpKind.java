package io.bitsweep.hwsim;

/**
 * The layer kinds the simulator costs. CONV, DEPTHWISE and FC carry weights; ADD, POOL and ELEMENTWISE are
 * element-wise (ELEMENTWISE: any other per-element op, e.g. a multiply, an activation function, a pad or a concat).
 */
public enum OpKind {
    CONV("conv"), DEPTHWISE("depthwise"), FC("fc"), ADD("add"), POOL("pool"), ELEMENTWISE("elementwise");

    private final String label;

    OpKind(String label) {
        this.label = label;
    }

    /** Short lower-case name used in reports (the CSV {@code op} column). */
    public String label() {
        return label;
    }

    public boolean hasWeights() {
        return this == CONV || this == DEPTHWISE || this == FC;
    }
}
