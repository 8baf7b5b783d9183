package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

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
    private final VectorSpecies<Float> species;

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
        this.species = Vectors.speciesFor(inDim);
    }

    @Override
    public void run() {
        int vlen = species == null ? 0 : species.length();
        int vectorEnd = vlen == 0 ? 0 : inDim - inDim % vlen;
        for (int r = 0; r < rows; r++) {
            int inBase = r * inDim;
            for (int o = 0; o < outDim; o++) {
                int wBase = o * inDim;
                float acc = 0f;
                if (vectorEnd > 0) {
                    FloatVector v = FloatVector.zero(species);
                    for (int i = 0; i < vectorEnd; i += vlen) {
                        v = FloatVector.fromArray(species, in, inBase + i)
                                .fma(FloatVector.fromArray(species, weights, wBase + i), v);
                    }
                    acc = v.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
                }
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
