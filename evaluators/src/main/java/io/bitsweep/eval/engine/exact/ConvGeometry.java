package io.bitsweep.eval.engine.exact;

/**
 * The spatial shape of a convolution or pooling window over an NHWC input (batch 1), with TFLite's padding:
 * SAME pads {@code total = max(0, (out-1)*stride + (k-1)*dilation + 1 - in)} with {@code total/2} before (the odd
 * one after); VALID pads nothing.
 */
public record ConvGeometry(int inH, int inW, int inC, int kH, int kW, int strideH, int strideW,
        int dilationH, int dilationW, int outH, int outW, int padTop, int padLeft) {

    public static ConvGeometry of(int inH, int inW, int inC, int kH, int kW, int strideH, int strideW,
            int dilationH, int dilationW, boolean same) {
        int effH = (kH - 1) * dilationH + 1;
        int effW = (kW - 1) * dilationW + 1;
        int outH = same ? ceilDiv(inH, strideH) : ceilDiv(inH - effH + 1, strideH);
        int outW = same ? ceilDiv(inW, strideW) : ceilDiv(inW - effW + 1, strideW);
        int padTop = Math.max(0, (outH - 1) * strideH + effH - inH) / 2;
        int padLeft = Math.max(0, (outW - 1) * strideW + effW - inW) / 2;
        return new ConvGeometry(inH, inW, inC, kH, kW, strideH, strideW, dilationH, dilationW, outH, outW,
                padTop, padLeft);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
