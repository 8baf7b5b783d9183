package io.bitsweep.eval.model;

/**
 * The dimension order of an image tensor as a model file declares it. The IR and every engine compute in NHWC; an
 * ONNX model declares NCHW, and its IR is the NHWC equivalent (weights re-laid out on import). Data sets give NHWC
 * images, so only a reference runtime that runs the file itself (ONNX Runtime) converts the data, to the declared
 * layout.
 */
public enum TensorLayout {
    NHWC, NCHW;

    /** The declared shape of an IR (NHWC) shape: rank-4 shapes are permuted to NCHW, others are unchanged. */
    public int[] declaredShape(int[] irShape) {
        if (this == NHWC || irShape.length != 4) {
            return irShape.clone();
        }
        return new int[] {irShape[0], irShape[3], irShape[1], irShape[2]};
    }

    /**
     * Copies one NHWC sample of {@code irShape} ([1,H,W,C]) into {@code out} in this layout; other ranks are copied
     * as they are.
     */
    public void fromNhwc(float[] nhwc, int[] irShape, float[] out) {
        permute(nhwc, irShape, out, true);
    }

    /** The inverse of {@link #fromNhwc}. */
    public void toNhwc(float[] declared, int[] irShape, float[] out) {
        permute(declared, irShape, out, false);
    }

    private void permute(float[] in, int[] irShape, float[] out, boolean intoThisLayout) {
        if (this == NHWC || irShape.length != 4) {
            System.arraycopy(in, 0, out, 0, out.length);
            return;
        }
        int h = irShape[1];
        int w = irShape[2];
        int c = irShape[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int k = 0; k < c; k++) {
                    int nhwc = (y * w + x) * c + k;
                    int nchw = (k * h + y) * w + x;
                    if (intoThisLayout) {
                        out[nchw] = in[nhwc];
                    } else {
                        out[nhwc] = in[nchw];
                    }
                }
            }
        }
    }
}
