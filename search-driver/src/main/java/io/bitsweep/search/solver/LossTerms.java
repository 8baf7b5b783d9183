package io.bitsweep.search.solver;

import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * The solver's additive loss model: the predicted loss of a genome is the baseline's plus, per layer, the loss the
 * profile measured with the whole layer at each format, split over the layer's genes in proportion to each channel's
 * quantization error energy at that format (evenly without that proxy, and for a per-layer gene the whole of it), plus
 * per activation gene the measured loss of its format. A layer entirely at one format gets exactly its measured
 * loss; a mixed layer gets the share of its channels. Negative measured changes (noise, or quantization that happens
 * to help on the profiled samples) count as 0, so the solver never buys bits back by trusting noise.
 *
 * <p>Every change from a gene's first format also costs a small tie-break, larger for a gene whose channels lose more
 * error energy at that format (from a tenth of the largest to the largest). All of them together add at most
 * {@link #TIE_TOTAL} of loss, below what a profile resolves (a loss change of 1e-3 is one sample's cross-entropy in
 * a thousand), so they decide between assignments the measured losses cannot tell apart, not between assignments
 * they can (a tie-break per gene would add up over a model's hundreds or thousands of genes). Without them, where
 * the profile measured no loss for many changes (VWW: every layer's int4 within noise), every budget has many assignments of predicted loss 0 and CP-SAT returns the same one
 * for all of them: one seed for the whole sweep. With it, each budget's optimum makes only the changes its budget
 * needs, the least damaging first, so the sweep gives one seed per budget again.
 */
final class LossTerms {
    /** The most loss all tie-breaks of one assignment add together. */
    static final double TIE_TOTAL = 1e-4;
    private final double[][][] weights;
    private final double[][] activations;

    private LossTerms(double[][][] weights, double[][] activations) {
        this.weights = weights;
        this.activations = activations;
    }

    static LossTerms of(SearchSpace space, SensitivityProfile profile) {
        return build(space, profile, profile::weightLossDelta, profile::activationLossDelta, TIE_TOTAL);
    }

    /**
     * The same additive model in the search's metric: per gene, its share of the quality the profile lost with the
     * whole layer at that format, and no tie-breaks. Its sum over a genome is the drop the profile predicts, which the
     * solver compares with the accuracy constraint.
     */
    static LossTerms qualityDrops(SearchSpace space, SensitivityProfile profile) {
        double base = profile.baseline().quality();
        return build(space, profile, (l, f) -> base - profile.weights(l, f).quality(),
                (l, f) -> base - profile.activations(l, f).quality(), 0);
    }

    /** A layer's measured change at one format: weights or activations. */
    private interface Delta {
        double of(int layer, int format);
    }

    private static LossTerms build(SearchSpace space, SensitivityProfile profile, Delta weightDelta,
                                   Delta activationDelta, double tieTotal) {
        int layers = space.layers().size();
        double[][][] w = new double[layers][][];
        double[][] a = new double[layers][];
        double[][][] energy = new double[layers][][];
        double maxEnergy = 0;
        double largestTie = tieTotal / space.genomeLength();
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            energy[l] = new double[ls.weightGenes()][ls.weights().size()];
            for (int f = 1; f < ls.weights().size(); f++) {
                for (int c = 0; profile.hasChannelEnergy() && c < ls.layer().outChannels(); c++) {
                    energy[l][c / ls.channelsPerGene()][f] += profile.channelEnergy(l, f, c);
                }
                for (int g = 0; g < ls.weightGenes(); g++) {
                    maxEnergy = Math.max(maxEnergy, energy[l][g][f]);
                }
            }
        }
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            w[l] = new double[ls.weightGenes()][ls.weights().size()];
            for (int f = 1; f < ls.weights().size(); f++) {
                double delta = Math.max(0, weightDelta.of(l, f));
                double[] share = shares(ls, energy[l], f);
                for (int g = 0; g < ls.weightGenes(); g++) {
                    double damage = maxEnergy > 0 ? energy[l][g][f] / maxEnergy : 0;
                    w[l][g][f] = delta * share[g] + tie(damage, largestTie);
                }
            }
            a[l] = new double[ls.activations().size()];
            for (int f = 1; f < a[l].length; f++) {
                a[l][f] = Math.max(0, activationDelta.of(l, f)) + tie(0, largestTie);
            }
        }
        return new LossTerms(w, a);
    }

    /** The tie-break of a change whose error energy is {@code damage} (0..1) of the largest any gene has. */
    private static double tie(double damage, double largest) {
        return largest * (0.1 + 0.9 * Math.min(1, damage));
    }

    /** Each gene's share of the layer's loss at format f: its channels' error energy over the layer's. */
    private static double[] shares(LayerSpace ls, double[][] geneEnergy, int format) {
        double[] share = new double[ls.weightGenes()];
        double total = 0;
        for (int g = 0; g < share.length; g++) {
            total += geneEnergy[g][format];
        }
        for (int g = 0; g < share.length; g++) {
            share[g] = total > 0 ? geneEnergy[g][format] / total : 1.0 / share.length;
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

    /** The predicted loss a genome's formats in layer l add (its weight genes and its activation gene). */
    double layer(SearchSpace space, int l, Genome genome) {
        LayerSpace ls = space.layers().get(l);
        double sum = 0;
        for (int g = 0; g < ls.weightGenes(); g++) {
            sum += weight(l, g, genome.gene(ls.weightOffset() + g));
        }
        return sum + activation(l, genome.gene(ls.activationGene()));
    }

    /** The predicted loss a whole genome adds to the baseline's. */
    double of(SearchSpace space, Genome genome) {
        double sum = 0;
        for (int l = 0; l < space.layers().size(); l++) {
            sum += layer(space, l, genome);
        }
        return sum;
    }
}
