package io.bitsweep.search.sensitivity;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * How much each layer of a model cares about its formats: the quality and loss of the baseline (every gene at its
 * first format) and, for every layer and every format the space allows it, of the baseline with that layer's weights
 * (or its output activations) at that format. Plus, per output channel and weight format, the channel's quantization
 * error energy under the layer's input statistics, a proxy that needs no inference (absent when the problem has
 * none). The solver's additive loss model is built from it. Immutable.
 */
public final class SensitivityProfile {
    /** A probe's result: samples scored, quality metric and mean loss. */
    public record Measured(long samples, double quality, double lossMean) {}

    private final Measured baseline;
    private final Measured[][] weights;
    private final Measured[][] activations;
    private final double[][][] channelEnergy;

    /**
     * @param weights       [layer][weight format index]: the layer's weights at that format (index 0: the baseline)
     * @param activations   [layer][activation format index]
     * @param channelEnergy [layer][weight format index][output channel], or null
     */
    public SensitivityProfile(Measured baseline, Measured[][] weights, Measured[][] activations,
                              double[][][] channelEnergy) {
        this.baseline = baseline;
        this.weights = deepCopy(weights);
        this.activations = deepCopy(activations);
        this.channelEnergy = channelEnergy == null ? null : copy(channelEnergy);
    }

    public Measured baseline() {
        return baseline;
    }

    public Measured weights(int layer, int format) {
        return weights[layer][format];
    }

    public Measured activations(int layer, int format) {
        return activations[layer][format];
    }

    public int layers() {
        return weights.length;
    }

    /** True if per-channel error energies are known. */
    public boolean hasChannelEnergy() {
        return channelEnergy != null;
    }

    /** The quantization error energy of one output channel at one weight format; NaN if not known. */
    public double channelEnergy(int layer, int format, int channel) {
        return channelEnergy == null ? Double.NaN : channelEnergy[layer][format][channel];
    }

    /** The change of mean loss when only this layer's weights take this format. */
    public double weightLossDelta(int layer, int format) {
        return weights[layer][format].lossMean() - baseline.lossMean();
    }

    /** The change of mean loss when only this layer's activations take this format. */
    public double activationLossDelta(int layer, int format) {
        return activations[layer][format].lossMean() - baseline.lossMean();
    }

    /** Checks that the profile has the shape of the space (a profile read back from a run store). */
    public SensitivityProfile checkFits(SearchSpace space, String source) {
        boolean fits = weights.length == space.layers().size();
        for (int l = 0; fits && l < weights.length; l++) {
            LayerSpace ls = space.layers().get(l);
            fits = weights[l].length == ls.weights().size() && activations[l].length == ls.activations().size()
                    && (channelEnergy == null || channelEnergy[l].length == ls.weights().size()
                    && channelEnergy[l][0].length == ls.layer().outChannels());
        }
        if (!fits) {
            throw new BitSweepException(source + ": the profile does not fit this search space (layers or formats "
                    + "differ); delete it to profile again");
        }
        return this;
    }

    private static Measured[][] deepCopy(Measured[][] a) {
        Measured[][] out = new Measured[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    private static double[][][] copy(double[][][] a) {
        double[][][] out = new double[a.length][][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new double[a[i].length][];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = a[i][j].clone();
            }
        }
        return out;
    }
}
