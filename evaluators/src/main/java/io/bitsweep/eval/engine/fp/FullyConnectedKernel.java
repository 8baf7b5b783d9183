package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** FULLY_CONNECTED: out[r][o] = bias[o] + dot(in[r][:], w[o][:]), weights [out][in] as in the file. */
final class FullyConnectedKernel implements Kernel {
    private final float[] in;
    private final float[] out;
    private final float[] weights;
    private final float[] bias;
    private final int rows;
    private final int inDim;
    private final int outDim;
    private final float lo;
    private final float hi;

    FullyConnectedKernel(float[] in, float[] out, float[] weights, float[] bias, int rows, int inDim, int outDim,
                         Activation act) {
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.bias = bias;
        this.rows = rows;
        this.inDim = inDim;
        this.outDim = outDim;
        this.lo = act.min();
        this.hi = act.max();
    }

    @Override
    public void run() {
        int vlen = Vectors.WIDE.length();
        int vectorEnd = inDim - inDim % vlen;
        for (int r = 0; r < rows; r++) {
            int inBase = r * inDim;
            for (int o = 0; o < outDim; o++) {
                int wBase = o * inDim;
                FloatVector v = FloatVector.zero(Vectors.WIDE);
                for (int i = 0; i < vectorEnd; i += vlen) {
                    v = FloatVector.fromArray(Vectors.WIDE, in, inBase + i)
                            .fma(FloatVector.fromArray(Vectors.WIDE, weights, wBase + i), v);
                }
                float acc = v.reduceLanes(VectorOperators.ADD);
                for (int i = vectorEnd; i < inDim; i++) {
                    acc += in[inBase + i] * weights[wBase + i];
                }
                if (bias != null) {
                    acc += bias[o];
                }
                out[r * outDim + o] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }
}
