package io.bitsweep.eval.model;

/**
 * The one sliding-window geometry of a convolution, depthwise convolution or pool over an NHWC input (batch 1), used
 * by the importer's shape checks, the float engine and the exact engine alike. TFLite's padding: SAME pads
 * {@code total = max(0, (out-1)*stride + (k-1)*dilation + 1 - in)} with {@code total/2} before (the odd one after);
 * VALID pads nothing; explicit pads (ONNX) are as given. Bottom and right padding only show in the output size:
 * kernels skip every position outside the input.
 */
public record ConvGeometry(int inH, int inW, int inC, int kH, int kW, int strideH, int strideW,
        int dilationH, int dilationW, int outH, int outW, int padTop, int padLeft) {

    public static ConvGeometry of(int inH, int inW, int inC, int kH, int kW, int strideH, int strideW,
            int dilationH, int dilationW, Padding padding) {
        int effH = (kH - 1) * dilationH + 1;
        int effW = (kW - 1) * dilationW + 1;
        if (padding.isExplicit()) {
            int outH = Math.floorDiv(inH + padding.top() + padding.bottom() - effH, strideH) + 1;
            int outW = Math.floorDiv(inW + padding.left() + padding.right() - effW, strideW) + 1;
            return new ConvGeometry(inH, inW, inC, kH, kW, strideH, strideW, dilationH, dilationW, outH, outW,
                    padding.top(), padding.left());
        }
        boolean same = padding == Padding.SAME;
        int outH = same ? ceilDiv(inH, strideH) : ceilDiv(inH - effH + 1, strideH);
        int outW = same ? ceilDiv(inW, strideW) : ceilDiv(inW - effW + 1, strideW);
        int padTop = same ? Math.max(0, (outH - 1) * strideH + effH - inH) / 2 : 0;
        int padLeft = same ? Math.max(0, (outW - 1) * strideW + effW - inW) / 2 : 0;
        return new ConvGeometry(inH, inW, inC, kH, kW, strideH, strideW, dilationH, dilationW, outH, outW,
                padTop, padLeft);
    }

    /** The window of a kernel over an NHWC tensor of batch 1. */
    public static ConvGeometry of(Tensor input, int kH, int kW, int strideH, int strideW, int dilationH,
            int dilationW, Padding padding) {
        if (input.rank() != 4 || input.dim(0) != 1) {
            throw new IllegalArgumentException("input " + input.describe() + " (supported: NHWC with batch 1)");
        }
        return of(input.dim(1), input.dim(2), input.dim(3), kH, kW, strideH, strideW, dilationH, dilationW, padding);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
