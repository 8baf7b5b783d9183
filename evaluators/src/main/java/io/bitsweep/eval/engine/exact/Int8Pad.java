package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.ElementGeometry;
import java.util.Arrays;

/** PAD of an int8 tensor with its zero point (real zero), as TFLite pads int8 without a constant value. */
public final class Int8Pad {
    private final int[] dims;
    private final int[] outStrides;
    private final int start;
    private final int outSize;
    private final byte zeroPoint;

    public Int8Pad(int[] inShape, int[] before, int[] outShape, int zeroPoint) {
        this.dims = ElementGeometry.dims4(inShape);
        this.outStrides = ElementGeometry.strides(outShape);
        int shift = 4 - before.length;
        int s = 0;
        for (int d = 0; d < before.length; d++) {
            s += before[d] * outStrides[d + shift];
        }
        this.start = s;
        this.outSize = Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
        this.zeroPoint = (byte) zeroPoint;
    }

    /** One sample: the input from {@code in[inAt..]}, the padded tensor into {@code out[outAt..]}. */
    public void run(byte[] in, int inAt, byte[] out, int outAt) {
        Arrays.fill(out, outAt, outAt + outSize, zeroPoint);
        int i = inAt;
        for (int i0 = 0; i0 < dims[0]; i0++) {
            for (int i1 = 0; i1 < dims[1]; i1++) {
                for (int i2 = 0; i2 < dims[2]; i2++, i += dims[3]) {
                    System.arraycopy(in, i, out, outAt + start + i0 * outStrides[0] + i1 * outStrides[1]
                            + i2 * outStrides[2], dims[3]);
                }
            }
        }
    }
}
