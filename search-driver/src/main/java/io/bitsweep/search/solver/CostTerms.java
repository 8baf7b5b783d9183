package io.bitsweep.search.solver;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * The solver's cost model, measured with the search's own {@link CostModel} (hw-sim) on one-at-a-time changes of the
 * baseline genome B (every gene at its first format), so it is exact for every such change:
 * <ul>
 *   <li>weight memory: what layer l at format f adds to B's, split evenly over the layer's genes (memory is additive
 *       per channel, so this is exact for any mix);</li>
 *   <li>cycles (or energy): what layer l's weights at f add, what activation gene k at a adds, and, for the one
 *       activation gene whose format changes what layer l's weights cost (the layer's input, found by measuring every
 *       pair), the interaction term; per gene, the layer's terms split evenly over its genes. Exact for uniform
 *       layers, the first-order model of a mixed layer otherwise (hw-sim's per-channel precision grouping makes
 *       the cost of a mix close to, not equal to, the channel-weighted average).</li>
 * </ul>
 * Seeds are evaluated with the exact costs anyway; this model only steers the solver.
 */
final class CostTerms {
    /** Interactions smaller than this share of the baseline's cost are treated as none. */
    private static final double COUPLING_TOLERANCE = 1e-9;

    private final double baselineMemory;
    private final double baselineCost;
    private final double[][] weightMemory;
    private final double[][][] weightCost;
    private final double[][] activationCost;
    private final int[] coupled;

    private CostTerms(double baselineMemory, double baselineCost, double[][] weightMemory, double[][][] weightCost,
                      double[][] activationCost, int[] coupled) {
        this.baselineMemory = baselineMemory;
        this.baselineCost = baselineCost;
        this.weightMemory = weightMemory;
        this.weightCost = weightCost;
        this.activationCost = activationCost;
        this.coupled = coupled;
    }

    /** @param objective cycles or energy, or null for memory only */
    static CostTerms measure(SearchSpace space, CostModel model, Objective objective) {
        Genome base = Genome.of(new byte[space.genomeLength()]);
        CostModel.Costs b = model.costs(base, new long[0]);
        double baseCost = cost(b, objective);
        int layers = space.layers().size();
        double[][] memory = new double[layers][];
        double[][] weightOnly = new double[layers][];
        double[][] activation = new double[layers][];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            memory[l] = new double[ls.weights().size()];
            weightOnly[l] = new double[ls.weights().size()];
            for (int f = 1; f < memory[l].length; f++) {
                CostModel.Costs c = model.costs(withWeights(base, ls, f), new long[0]);
                memory[l][f] = (c.weightBits() - b.weightBits()) / ls.weightGenes();
                weightOnly[l][f] = cost(c, objective) - baseCost;
            }
            activation[l] = new double[ls.activations().size()];
            for (int a = 1; a < activation[l].length; a++) {
                activation[l][a] = cost(model.costs(withActivation(base, ls, a), new long[0]), objective) - baseCost;
            }
        }
        int[] coupled = new int[layers];
        double[][][] weightCost = new double[layers][][];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            coupled[l] = -1;
            double strongest = COUPLING_TOLERANCE * Math.abs(baseCost);
            double[][] best = null;
            for (int k = 0; objective != null && k < layers; k++) {
                LayerSpace ks = space.layers().get(k);
                double[][] inter = new double[ls.weights().size()][ks.activations().size()];
                double size = 0;
                for (int f = 1; f < inter.length; f++) {
                    for (int a = 1; a < inter[f].length; a++) {
                        double both = cost(model.costs(withActivation(withWeights(base, ls, f), ks, a), new long[0]),
                                objective) - baseCost;
                        inter[f][a] = both - weightOnly[l][f] - activation[k][a];
                        size += Math.abs(inter[f][a]);
                    }
                }
                if (size > strongest) {
                    strongest = size;
                    best = inter;
                    coupled[l] = k;
                }
            }
            int acts = coupled[l] < 0 ? 1 : space.layers().get(coupled[l]).activations().size();
            weightCost[l] = new double[ls.weights().size()][acts];
            for (int f = 0; f < ls.weights().size(); f++) {
                for (int a = 0; a < acts; a++) {
                    weightCost[l][f][a] = (weightOnly[l][f] + (best == null ? 0 : best[f][a])) / ls.weightGenes();
                }
            }
        }
        return new CostTerms(b.weightBits(), baseCost, memory, weightCost, activation, coupled);
    }

    double baselineMemory() {
        return baselineMemory;
    }

    double baselineCost() {
        return baselineCost;
    }

    /** Weight bits one gene of layer l adds to the baseline at format f. */
    double weightMemory(int layer, int format) {
        return weightMemory[layer][format];
    }

    /** Cost one gene of layer l adds at format f, its coupled activation gene at format a (0 if uncoupled). */
    double weight(int layer, int format, int activation) {
        return weightCost[layer][format][activation];
    }

    /** Cost activation gene k adds at format a. */
    double activation(int layer, int format) {
        return activationCost[layer][format];
    }

    /** The activation gene (a layer index) whose format changes what layer l's weights cost, or -1. */
    int coupledActivation(int layer) {
        return coupled[layer];
    }

    private static double cost(CostModel.Costs c, Objective objective) {
        return objective == null ? 0 : objective == Objective.ENERGY ? c.energyPj() : c.cycles();
    }

    static Genome withWeights(Genome g, LayerSpace ls, int format) {
        byte[] genes = g.toBytes();
        for (int i = 0; i < ls.weightGenes(); i++) {
            genes[ls.weightOffset() + i] = (byte) format;
        }
        return Genome.wrap(genes);
    }

    static Genome withActivation(Genome g, LayerSpace ls, int format) {
        byte[] genes = g.toBytes();
        genes[ls.activationGene()] = (byte) format;
        return Genome.wrap(genes);
    }
}
