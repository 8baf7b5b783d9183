package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.ElementGeometry;
import java.util.Arrays;

/** The float kernels that move or reduce whole dimensions: MEAN, PAD and CONCATENATION, for ranks 1..4. */
final class LayoutKernels {
    private LayoutKernels() {}

    /** MEAN over {@code axes} of an input of {@code inShape}, summed in double, divided by the reduced count. */
    static Kernel mean(float[] in, int[] inShape, int[] axes, float[] out) {
        int[] dims = ElementGeometry.dims4(inShape);
        int[] os = ElementGeometry.reductionStrides(inShape, axes);
        int count = in.length / out.length;
        double[] sums = new double[out.length];
        return () -> {
            Arrays.fill(sums, 0.0);
            int i = 0;
            for (int i0 = 0; i0 < dims[0]; i0++) {
                for (int i1 = 0; i1 < dims[1]; i1++) {
                    for (int i2 = 0; i2 < dims[2]; i2++) {
                        int o = i0 * os[0] + i1 * os[1] + i2 * os[2];
                        for (int i3 = 0; i3 < dims[3]; i3++, i++) {
                            sums[o + i3 * os[3]] += in[i];
                        }
                    }
                }
            }
            for (int o = 0; o < out.length; o++) {
                out[o] = (float) (sums[o] / count);
            }
        };
    }

    /** PAD with zeros: {@code before[d]} elements before each dimension d of an input of {@code inShape}. */
    static Kernel pad(float[] in, int[] inShape, int[] before, float[] out, int[] outShape) {
        int[] dims = ElementGeometry.dims4(inShape);
        int[] os = ElementGeometry.strides(outShape);
        int[] b = ElementGeometry.dims4(before);
        int shift = 4 - before.length;
        for (int d = 0; d < shift; d++) {
            b[d] = 0; // dims4 pads with 1s: no padding in the added leading dimensions
        }
        int start = b[0] * os[0] + b[1] * os[1] + b[2] * os[2] + b[3] * os[3];
        return () -> {
            Arrays.fill(out, 0f);
            int i = 0;
            for (int i0 = 0; i0 < dims[0]; i0++) {
                for (int i1 = 0; i1 < dims[1]; i1++) {
                    for (int i2 = 0; i2 < dims[2]; i2++, i += dims[3]) {
                        System.arraycopy(in, i, out, start + i0 * os[0] + i1 * os[1] + i2 * os[2], dims[3]);
                    }
                }
            }
        };
    }

    /** CONCATENATION along {@code axis}: each of {@code outer} rows of the output is the inputs' chunks in order. */
    static Kernel concatenation(float[][] ins, int[][] inShapes, int axis, float[] out) {
        int outer = ElementGeometry.outer(inShapes[0], axis);
        int[] chunks = Arrays.stream(inShapes).mapToInt(s -> ElementGeometry.chunk(s, axis)).toArray();
        return () -> {
            int o = 0;
            for (int r = 0; r < outer; r++) {
                for (int k = 0; k < ins.length; k++) {
                    System.arraycopy(ins[k], r * chunks[k], out, o, chunks[k]);
                    o += chunks[k];
                }
            }
        };
    }
}
