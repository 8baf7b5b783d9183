package io.bitsweep.search.space;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.search.config.LayerRule;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The layers of one model with the formats the config allows for each, and the genome layout over them; and the
 * model's ADDs, whose output formats follow from the layers' ({@link GenomeCodec#decode}).
 */
public final class SearchSpace implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<LayerSpace> layers;
    private final List<AddInfo> adds;
    private final int genomeLength;

    public SearchSpace(List<LayerSpace> layers, List<AddInfo> adds) {
        this.layers = List.copyOf(layers);
        this.adds = List.copyOf(adds);
        this.genomeLength = layers.get(layers.size() - 1).lastGene() + 1;
    }

    /** The space of a model without ADDs (or whose ADDs do not matter to the caller). */
    public static SearchSpace of(SearchSettings settings, List<LayerInfo> modelLayers) {
        return of(settings, modelLayers, List.of());
    }

    /** Applies the config's rules to the model's quantizable layers; a rule that matches no layer is an error. */
    public static SearchSpace of(SearchSettings settings, List<LayerInfo> modelLayers, List<AddInfo> adds) {
        if (modelLayers.isEmpty()) {
            throw new BitSweepException("the model has no quantizable layers (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED)");
        }
        for (int i = 0; i < settings.layerRules().size(); i++) {
            LayerRule r = settings.layerRules().get(i);
            if (modelLayers.stream().noneMatch(l -> r.matches(l.name()))) {
                throw new BitSweepException(SearchSettings.ROOT + ".space.layers[" + i + "].match: '" + r.match()
                        + "' matches no layer (layers: " + modelLayers.stream().map(LayerInfo::name).toList() + ")");
            }
        }
        List<LayerSpace> out = new ArrayList<>();
        int offset = 0;
        for (LayerInfo l : modelLayers) {
            LayerRule r = settings.ruleFor(l.name());
            int genes = switch (r.granularity()) {
                case PER_CHANNEL -> l.outChannels();
                case PER_LAYER -> 1;
            };
            int scaleGene = r.scales().size() > 1 ? offset + genes + 1 : -1;
            out.add(new LayerSpace(l, r.weights(), r.granularity(), r.activations(), r.scales(), offset, genes,
                    offset + genes, scaleGene));
            offset += genes + (scaleGene < 0 ? 1 : 2);
        }
        return new SearchSpace(out, adds);
    }

    public List<LayerSpace> layers() {
        return layers;
    }

    /** The model's ADDs in execution order. */
    public List<AddInfo> adds() {
        return adds;
    }

    public int genomeLength() {
        return genomeLength;
    }

    /** The weight format of one output channel, with the layer's scale choice applied. */
    public NumberFormat weightFormat(Genome g, int layer, int channel) {
        LayerSpace ls = layers.get(layer);
        return ls.scale(g).apply(ls.weights().get(g.gene(ls.weightOffset() + channel / ls.channelsPerGene())));
    }

    /** The layer's output activation format, with its scale choice applied. */
    public NumberFormat activationFormat(Genome g, int layer) {
        LayerSpace ls = layers.get(layer);
        return ls.scale(g).apply(ls.activations().get(g.gene(ls.activationGene())));
    }

    /** {@link #uniform(NumberFormat, NumberFormat, ScaleChoice)} with float scales. */
    public Genome uniform(NumberFormat weight, NumberFormat activation) {
        return uniform(weight, activation, ScaleChoice.FLOAT);
    }

    /**
     * A genome with every layer at the given choice (as listed, before the scale choice applies); a layer that does
     * not allow {@code weight}, {@code activation} or {@code scale} takes its first.
     */
    public Genome uniform(NumberFormat weight, NumberFormat activation, ScaleChoice scale) {
        byte[] genes = new byte[genomeLength];
        for (LayerSpace ls : layers) {
            int w = Math.max(0, ls.weights().indexOf(weight));
            Arrays.fill(genes, ls.weightOffset(), ls.weightOffset() + ls.weightGenes(), (byte) w);
            genes[ls.activationGene()] = (byte) Math.max(0, ls.activations().indexOf(activation));
            if (ls.scaleGene() >= 0) {
                genes[ls.scaleGene()] = (byte) Math.max(0, ls.scales().indexOf(scale));
            }
        }
        return Genome.wrap(genes);
    }

    /**
     * A random genome near a layer-wise assignment: each layer draws a base format, biased towards the wider ones
     * (the smaller of two uniform draws; formats are listed widest first), and then a random share (0 to 50 %) of its
     * channels draw any format. Fully random per-channel genomes are nearly always useless (a few int2 or pruned
     * channels in every layer ruin accuracy), so the initial population starts where trade-offs are.
     */
    public Genome random(SplittableRandom rnd) {
        byte[] genes = new byte[genomeLength];
        for (LayerSpace ls : layers) {
            int n = ls.weights().size();
            int base = Math.min(rnd.nextInt(n), rnd.nextInt(n));
            double spread = rnd.nextDouble() * 0.5;
            for (int i = 0; i < ls.weightGenes(); i++) {
                genes[ls.weightOffset() + i] = (byte) (rnd.nextDouble() < spread ? rnd.nextInt(n) : base);
            }
            int a = ls.activations().size();
            genes[ls.activationGene()] = (byte) Math.min(rnd.nextInt(a), rnd.nextInt(a));
            if (ls.scaleGene() >= 0) {
                genes[ls.scaleGene()] = (byte) rnd.nextInt(ls.scales().size());
            }
        }
        return Genome.wrap(genes);
    }

    /** Checks that a genome (e.g. one read back from a run store) fits this space. */
    public Genome check(Genome g) {
        if (g.length() != genomeLength) {
            throw new BitSweepException("genome has " + g.length() + " genes, the search space " + genomeLength);
        }
        for (LayerSpace ls : layers) {
            for (int i = 0; i < ls.weightGenes(); i++) {
                int v = g.gene(ls.weightOffset() + i);
                if (v < 0 || v >= ls.weights().size()) {
                    throw new BitSweepException(ls.layer().name() + ": weight gene " + v + " out of range");
                }
            }
            int a = g.gene(ls.activationGene());
            if (a < 0 || a >= ls.activations().size()) {
                throw new BitSweepException(ls.layer().name() + ": activation gene " + a + " out of range");
            }
            int s = ls.scaleGene() < 0 ? 0 : g.gene(ls.scaleGene());
            if (s < 0 || s >= ls.scales().size()) {
                throw new BitSweepException(ls.layer().name() + ": scale gene " + s + " out of range");
            }
        }
        return g;
    }
}
