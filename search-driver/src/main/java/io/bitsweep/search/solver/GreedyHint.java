package io.bitsweep.search.solver;

import java.util.PriorityQueue;

/**
 * A feasible start for one knapsack, handed to CP-SAT as its solution hint. From the baseline (every gene at its
 * first format, activations kept there), it makes weight-format changes in order of budget excess closed per unit of
 * predicted loss added, until both budgets hold.
 *
 * <p>Why: where the profile measures no loss for many changes (VWW: every int4 layer within noise), the loss model is
 * a knapsack of many tiny, near-equal tie-break terms ({@link LossTerms}); CP-SAT at its deterministic time limit then
 * found no solution at all (status UNKNOWN, so no seed). From this hint it starts with a feasible assignment of low
 * predicted loss, so every budget that the weights alone can meet gives a seed.
 *
 * <p>A change's score weighs each budget still broken by the excess it had when it broke, so scores stay fixed while
 * the same budgets are broken and a heap orders them (ImageNet models have tens of thousands of genes); the heap is
 * rebuilt when a budget starts to hold.
 */
final class GreedyHint {
    private final KnapsackTerms t;
    private final long memoryLimit;
    private final long costLimit;
    private final int[][] chosen;
    private long memory;
    private long cost;
    private double memoryScale;
    private double costScale;
    private PriorityQueue<Change> changes;

    private record Change(int layer, int gene, int from, int to, double score) {}

    private GreedyHint(KnapsackTerms t, long memoryLimit, long costLimit) {
        this.t = t;
        this.memoryLimit = memoryLimit;
        this.costLimit = costLimit;
        chosen = new int[t.layers()][];
        for (int l = 0; l < t.layers(); l++) {
            chosen[l] = new int[t.weightLoss[l].length];
            memory += t.weightMemory[l][0] * chosen[l].length;
            cost += t.weightCost[l][0][0] * chosen[l].length + t.activationCost[l][0];
        }
    }

    /**
     * Per layer and weight gene the chosen format; activations stay at their first format. Null if weight changes
     * alone cannot meet the budgets (the solver then runs without a hint).
     */
    static int[][] weightFormats(KnapsackTerms t, long memoryLimit, long costLimit) {
        GreedyHint h = new GreedyHint(t, memoryLimit, costLimit);
        return h.run() ? h.chosen : null;
    }

    private boolean run() {
        boolean memoryBroken = memory > memoryLimit;
        boolean costBroken = cost > costLimit;
        rescore(memoryBroken, costBroken);
        while (memoryBroken || costBroken) {
            Change c = changes.poll();
            if (c == null) {
                return false;
            }
            if (chosen[c.layer][c.gene] != c.from) {
                continue; // the gene has moved since this change was scored
            }
            long dMemory = t.weightMemory[c.layer][c.to] - t.weightMemory[c.layer][c.from];
            long dCost = t.weightCost[c.layer][c.to][0] - t.weightCost[c.layer][c.from][0];
            if ((!memoryBroken && memory + dMemory > memoryLimit) || (!costBroken && cost + dCost > costLimit)) {
                continue; // never break a budget that holds
            }
            memory += dMemory;
            cost += dCost;
            chosen[c.layer][c.gene] = c.to;
            if (memoryBroken != memory > memoryLimit || costBroken != cost > costLimit) {
                memoryBroken = memory > memoryLimit;
                costBroken = cost > costLimit;
                rescore(memoryBroken, costBroken);
            } else {
                offer(c.layer, c.gene);
            }
        }
        return true;
    }

    /** Scores every gene's changes from where it is, for the budgets broken now. */
    private void rescore(boolean memoryBroken, boolean costBroken) {
        memoryScale = memoryBroken ? 1.0 / (memory - memoryLimit) : 0;
        costScale = costBroken ? 1.0 / (cost - costLimit) : 0;
        changes = new PriorityQueue<>((a, b) -> Double.compare(b.score, a.score));
        for (int l = 0; l < chosen.length; l++) {
            for (int g = 0; g < chosen[l].length; g++) {
                offer(l, g);
            }
        }
    }

    private void offer(int layer, int gene) {
        int from = chosen[layer][gene];
        for (int to = 0; to < t.weightMemory[layer].length; to++) {
            double closed = (t.weightMemory[layer][from] - t.weightMemory[layer][to]) * memoryScale
                    + (t.weightCost[layer][from][0] - t.weightCost[layer][to][0]) * costScale;
            if (to != from && closed > 0) {
                long addedLoss = Math.max(0, t.weightLoss[layer][gene][to] - t.weightLoss[layer][gene][from]);
                changes.add(new Change(layer, gene, from, to, closed / (1 + addedLoss)));
            }
        }
    }
}
