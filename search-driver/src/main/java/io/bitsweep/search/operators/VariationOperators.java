package io.bitsweep.search.operators;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Crossover and mutation that stay inside the space: genes only take values their layer allows.
 * Crossover is uniform over units (whole layers, or groups of channels with the activation gene and the scale gene
 * each as its own unit). Mutation changes single channels, mostly to a neighbouring format, redraws each layer's
 * activation and scale genes at the activation rate, and sometimes sets one whole layer to one format so the search
 * can also move between layer-wise points. A layer without a scale gene draws nothing for it, so spaces without
 * scale choices see the same random draws as before scale genes existed.
 */
public final class VariationOperators {
    private final SearchSpace space;
    private final SearchSettings.Variation settings;
    private final double channelRate;
    private final double activationRate;

    public VariationOperators(SearchSpace space, SearchSettings.Variation settings) {
        this.space = space;
        this.settings = settings;
        this.channelRate = settings.channelMutationProbability() >= 0 ? settings.channelMutationProbability()
                : 1.0 / space.genomeLength();
        this.activationRate = settings.activationMutationProbability() >= 0 ? settings.activationMutationProbability()
                : 1.0 / space.layers().size();
    }

    public Genome crossover(Genome a, Genome b, SplittableRandom rnd) {
        byte[] child = a.toBytes();
        if (rnd.nextDouble() >= settings.crossoverProbability()) {
            return Genome.wrap(child);
        }
        for (LayerSpace ls : space.layers()) {
            if (settings.crossoverByLayer()) {
                if (rnd.nextBoolean()) {
                    copy(b, child, ls.weightOffset(), ls.lastGene() - ls.weightOffset() + 1);
                }
            } else {
                int group = ls.channelsPerGene() == 1 ? settings.channelGroupSize() : 1;
                for (int from = 0; from < ls.weightGenes(); from += group) {
                    if (rnd.nextBoolean()) {
                        copy(b, child, ls.weightOffset() + from, Math.min(group, ls.weightGenes() - from));
                    }
                }
                if (rnd.nextBoolean()) {
                    child[ls.activationGene()] = (byte) b.gene(ls.activationGene());
                }
                if (ls.scaleGene() >= 0 && rnd.nextBoolean()) {
                    child[ls.scaleGene()] = (byte) b.gene(ls.scaleGene());
                }
            }
        }
        return Genome.wrap(child);
    }

    public Genome mutate(Genome g, SplittableRandom rnd) {
        byte[] genes = g.toBytes();
        for (LayerSpace ls : space.layers()) {
            for (int i = 0; i < ls.weightGenes(); i++) {
                if (rnd.nextDouble() < channelRate) {
                    int at = ls.weightOffset() + i;
                    genes[at] = (byte) redraw(genes[at], ls.weights().size(), rnd);
                }
            }
            if (rnd.nextDouble() < activationRate) {
                genes[ls.activationGene()] = (byte) redraw(genes[ls.activationGene()], ls.activations().size(), rnd);
            }
            if (ls.scaleGene() >= 0 && rnd.nextDouble() < activationRate) {
                genes[ls.scaleGene()] = (byte) redraw(genes[ls.scaleGene()], ls.scales().size(), rnd);
            }
        }
        if (rnd.nextDouble() < settings.layerMutationProbability()) {
            LayerSpace ls = space.layers().get(rnd.nextInt(space.layers().size()));
            int v = rnd.nextInt(ls.weights().size());
            Arrays.fill(genes, ls.weightOffset(), ls.weightOffset() + ls.weightGenes(), (byte) v);
        }
        return Genome.wrap(genes);
    }

    /** A different value: half of the time a neighbour in the config's order (usually the next width), else any. */
    private static int redraw(int current, int options, SplittableRandom rnd) {
        if (options == 1) {
            return current;
        }
        if (rnd.nextBoolean()) {
            int step = rnd.nextBoolean() ? 1 : -1;
            int v = current + step;
            return v < 0 || v >= options ? current - step : v;
        }
        int v = rnd.nextInt(options - 1);
        return v >= current ? v + 1 : v;
    }

    private static void copy(Genome from, byte[] to, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            to[i] = (byte) from.gene(i);
        }
    }
}
