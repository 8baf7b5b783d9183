package io.bitsweep.eval.model;

/**
 * How a convolution or pool pads its input; {@link ConvGeometry} computes what it means. TFLite has two schemes,
 * {@link #SAME} and {@link #VALID}; ONNX gives the pads explicitly ({@link #explicit}), e.g. ResNet's 7x7 stride-2
 * stem pads 3 before and 3 after, where SAME would pad 2 before and 3 after.
 */
public final class Padding {
    /** Output size ceil(in/stride); the padding total is split with the smaller half before (TFLite's rule). */
    public static final Padding SAME = new Padding("SAME", 0, 0, 0, 0);
    /** No padding: output size ceil((in - effective_kernel + 1)/stride). */
    public static final Padding VALID = new Padding("VALID", 0, 0, 0, 0);

    private final String name;
    private final int top;
    private final int left;
    private final int bottom;
    private final int right;

    private Padding(String name, int top, int left, int bottom, int right) {
        this.name = name;
        this.top = top;
        this.left = left;
        this.bottom = bottom;
        this.right = right;
    }

    /**
     * Explicit pads (ONNX's {@code pads}): output size floor((in + before + after - effective_kernel)/stride) + 1.
     * All zero is {@link #VALID}.
     */
    public static Padding explicit(int top, int left, int bottom, int right) {
        if (top < 0 || left < 0 || bottom < 0 || right < 0) {
            throw new IllegalArgumentException("pads must be >= 0, got " + top + "," + left + "," + bottom + "," + right);
        }
        return top == 0 && left == 0 && bottom == 0 && right == 0 ? VALID
                : new Padding("EXPLICIT", top, left, bottom, right);
    }

    public boolean isExplicit() {
        return this != SAME && this != VALID;
    }

    public int top() {
        return top;
    }

    public int left() {
        return left;
    }

    public int bottom() {
        return bottom;
    }

    public int right() {
        return right;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Padding p && name.equals(p.name) && top == p.top && left == p.left && bottom == p.bottom
                && right == p.right;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + top) * 31 + left) * 31 + bottom * 7 + right;
    }

    /** SAME, VALID or {@code EXPLICIT(top,left,bottom,right)}. */
    @Override
    public String toString() {
        return isExplicit() ? name + "(" + top + "," + left + "," + bottom + "," + right + ")" : name;
    }
}
