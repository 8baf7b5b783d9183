package io.bitsweep.search.solver;

import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;

/**
 * The knapsack's integer coefficients, rounded once from {@link CostTerms} and {@link LossTerms} (loss in units of
 * {@link #LOSS_UNIT}), so the CP-SAT model and the greedy hint ({@link GreedyHint}) price every choice alike: a hint
 * feasible for the greedy is feasible for the model.
 */
final class KnapsackTerms {
    /** Loss deltas are solved in integer units of 1e-9, fine enough for {@link LossTerms}' tie-breaks. */
    static final double LOSS_UNIT = 1e-9;

    final long baselineMemory;
    final long baselineCost;
    /** [layer][weight format]: memory one gene adds. */
    final long[][] weightMemory;
    /** [layer][weight format][coupled activation format]: cost one gene adds. */
    final long[][][] weightCost;
    /** [layer][gene][weight format]: predicted loss one gene adds. */
    final long[][][] weightLoss;
    /** [layer][activation format]: cost and predicted loss of the layer's activation gene. */
    final long[][] activationCost;
    final long[][] activationLoss;
    /** [layer]: the activation gene whose format changes what the layer's weights cost, or -1. */
    final int[] coupled;

    KnapsackTerms(SearchSpace space, CostTerms costs, LossTerms losses) {
        int layers = space.layers().size();
        baselineMemory = Math.round(costs.baselineMemory());
        baselineCost = Math.round(costs.baselineCost());
        weightMemory = new long[layers][];
        weightCost = new long[layers][][];
        weightLoss = new long[layers][][];
        activationCost = new long[layers][];
        activationLoss = new long[layers][];
        coupled = new int[layers];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            int formats = ls.weights().size();
            coupled[l] = costs.coupledActivation(l);
            int acts = coupled[l] < 0 ? 1 : space.layers().get(coupled[l]).activations().size();
            weightMemory[l] = new long[formats];
            weightCost[l] = new long[formats][acts];
            for (int f = 0; f < formats; f++) {
                weightMemory[l][f] = Math.round(costs.weightMemory(l, f));
                for (int a = 0; a < acts; a++) {
                    weightCost[l][f][a] = Math.round(costs.weight(l, f, a));
                }
            }
            weightLoss[l] = new long[ls.weightGenes()][formats];
            for (int g = 0; g < ls.weightGenes(); g++) {
                for (int f = 0; f < formats; f++) {
                    weightLoss[l][g][f] = Math.round(losses.weight(l, g, f) / LOSS_UNIT);
                }
            }
            int options = ls.activations().size();
            activationCost[l] = new long[options];
            activationLoss[l] = new long[options];
            for (int a = 0; a < options; a++) {
                activationCost[l][a] = Math.round(costs.activation(l, a));
                activationLoss[l][a] = Math.round(losses.activation(l, a) / LOSS_UNIT);
            }
        }
    }

    int layers() {
        return weightMemory.length;
    }

    /** The most memory the weights may add to the baseline's at this fraction of it (negative: must save). */
    long memoryLimit(double memoryFraction) {
        return (long) Math.floor((memoryFraction - 1) * baselineMemory);
    }

    /** The most cost the choices may add at this fraction of the baseline's, or Long.MAX_VALUE for NaN (none). */
    long costLimit(double costFraction) {
        return Double.isNaN(costFraction) ? Long.MAX_VALUE : (long) Math.floor((costFraction - 1) * baselineCost);
    }
}
