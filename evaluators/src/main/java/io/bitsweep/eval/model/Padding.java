package io.bitsweep.eval.model;

/** TFLite's padding schemes for convolutions and pools; {@link ConvGeometry} computes what they mean. */
public enum Padding {
    /** Output size ceil(in/stride); the padding total is split with the smaller half before (TFLite's rule). */
    SAME,
    /** No padding: output size ceil((in - effective_kernel + 1)/stride). */
    VALID
}
