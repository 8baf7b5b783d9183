package io.bitsweep.search.solver;

import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * The solver's additive loss model: the predicted loss of a genome is the baseline's plus, per layer, the loss the
 * profile measured with the whole layer at each format, split over the layer's genes in proportion to each channel's
 * quantization error energy at that format (evenly without that proxy, and for a per-layer gene the whole of it), plus
 * per activation gene the measured loss of its format. A layer entirely at one format gets exactly its measured
 * loss; a mixed layer gets the share of its channels. Negative measured changes (noise, or quantization that happens
 * to help on the profiled samples) count as 0, so the solver never buys bits back by trusting noise.
 */
final class LossTerms {
    private final double[][][] weights;
    private final double[][] activations;

    private LossTerms(double[][][] weights, double[][] activations) {
        this.weights = weights;
        this.activations = activations;
    }

    static LossTerms of(SearchSpace space, SensitivityProfile profile) {
        int layers = space.layers().size();
        double[][][] w = new double[layers][][];
        double[][] a = new double[layers][];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            w[l] = new double[ls.weightGenes()][ls.weights().size()];
            for (int f = 1; f < ls.weights().size(); f++) {
                double delta = Math.max(0, profile.weightLossDelta(l, f));
                double[] share = shares(ls, profile, l, f);
                for (int g = 0; g < ls.weightGenes(); g++) {
                    w[l][g][f] = delta * share[g];
                }
            }
            a[l] = new double[ls.activations().size()];
            for (int f = 1; f < a[l].length; f++) {
                a[l][f] = Math.max(0, profile.activationLossDelta(l, f));
            }
        }
        return new LossTerms(w, a);
    }

    /** Each gene's share of the layer's loss at format f: its channels' error energy over the layer's. */
    private static double[] shares(LayerSpace ls, SensitivityProfile profile, int layer, int format) {
        double[] share = new double[ls.weightGenes()];
        double total = 0;
        for (int c = 0; profile.hasChannelEnergy() && c < ls.layer().outChannels(); c++) {
            double e = profile.channelEnergy(layer, format, c);
            share[c / ls.channelsPerGene()] += e;
            total += e;
        }
        for (int g = 0; g < share.length; g++) {
            share[g] = total > 0 ? share[g] / total : 1.0 / share.length;
        }
        return share;
    }

    /** Predicted loss added by gene g of layer l at weight format f. */
    double weight(int layer, int gene, int format) {
        return weights[layer][gene][format];
    }

    /** Predicted loss added by activation gene k at format a. */
    double activation(int layer, int format) {
        return activations[layer][format];
    }
}
