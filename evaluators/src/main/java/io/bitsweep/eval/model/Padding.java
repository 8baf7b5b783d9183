package io.bitsweep.eval.model;

/** TFLite's padding schemes for convolutions and pools. */
public enum Padding {
    /** Output size ceil(in/stride); the padding total is split with the smaller half before (TFLite's rule). */
    SAME,
    /** No padding: output size ceil((in - effective_kernel + 1)/stride). */
    VALID;

    /** Output extent along one spatial axis. */
    public int outputSize(int in, int kernel, int stride, int dilation) {
        int effective = (kernel - 1) * dilation + 1;
        return this == SAME ? (in + stride - 1) / stride : (in - effective + stride) / stride;
    }

    /** Padding before the first input element along one axis (0 for VALID). */
    public int padBefore(int in, int kernel, int stride, int dilation) {
        if (this == VALID) {
            return 0;
        }
        int effective = (kernel - 1) * dilation + 1;
        int out = outputSize(in, kernel, stride, dilation);
        int total = Math.max((out - 1) * stride + effective - in, 0);
        return total / 2;
    }
}
