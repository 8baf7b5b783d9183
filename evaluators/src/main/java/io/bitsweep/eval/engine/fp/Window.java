package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.Tensor;

/**
 * The sliding-window geometry of a convolution or pool on an NHWC tensor (batch 1): input and output extents,
 * kernel, strides, dilations and the top/left padding TFLite's SAME rule gives.
 */
record Window(int inH, int inW, int outH, int outW, int kh, int kw, int strideH, int strideW, int dilationH,
              int dilationW, int padTop, int padLeft) {

    static Window of(Tensor input, Tensor output, int kh, int kw, Padding padding, int strideH, int strideW,
                     int dilationH, int dilationW) {
        if (input.dim(0) != 1) {
            throw new IllegalArgumentException("batch " + input.dim(0) + " of " + input.name() + " (supported: 1)");
        }
        int inH = input.dim(1);
        int inW = input.dim(2);
        return new Window(inH, inW, output.dim(1), output.dim(2), kh, kw, strideH, strideW, dilationH, dilationW,
                padding.padBefore(inH, kh, strideH, dilationH), padding.padBefore(inW, kw, strideW, dilationW));
    }
}
