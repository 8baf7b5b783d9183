package io.bitsweep.search.space;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.QuantSettings;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Genome to {@link Assignment} and back, in the manner of Jenetics' {@code Codec}: {@link #decode} gives the
 * assignment a candidate stands for (what {@code bitsweep eval --assignment} loads from its JSON form), every layer
 * listed with one format or one per output channel, the formats being the space's own parsed values; {@link #encode}
 * maps an assignment that lies in the space back to its genome, for assignments that seed a search.
 */
public final class GenomeCodec implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final NumberFormat INT8 = NumberFormat.parse("int8");

    private final SearchSpace space;
    private final QuantSettings settings;
    private final String modelSha256;

    public GenomeCodec(SearchSpace space, QuantSettings settings, String modelSha256) {
        this.space = space;
        this.settings = settings;
        this.modelSha256 = modelSha256;
    }

    public SearchSpace space() {
        return space;
    }

    /** The quantization settings every decoded assignment carries. */
    public QuantSettings settings() {
        return settings;
    }

    /**
     * The assignment of a genome: defaults int8 (what ADDs and pools, which have no gene, write), every layer's
     * weights as one format when all its channels agree, else one per channel, and this search's settings.
     */
    public Assignment decode(Genome g) {
        Map<String, Assignment.Layer> layers = new LinkedHashMap<>();
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            NumberFormat[] perChannel = new NumberFormat[ls.layer().outChannels()];
            boolean uniform = true;
            for (int c = 0; c < perChannel.length; c++) {
                perChannel[c] = space.weightFormat(g, l, c);
                uniform &= perChannel[c].equals(perChannel[0]);
            }
            layers.put(ls.layer().name(), uniform
                    ? new Assignment.Layer(List.of(perChannel[0]), false, space.activationFormat(g, l))
                    : new Assignment.Layer(Arrays.asList(perChannel), true, space.activationFormat(g, l)));
        }
        return new Assignment(modelSha256, INT8, INT8, layers, settings);
    }

    /**
     * The genome of an assignment, if it lies in this space: every layer's weight and activation formats among the
     * layer's allowed ones, and one format for all channels of a per-layer layer. Calibration, weight-scale and
     * requantization settings are this search's, whatever the assignment says.
     *
     * @throws BitSweepException naming {@code source}, the first layer that does not fit and its allowed formats
     */
    public Genome encode(Assignment a, String source) {
        if (modelSha256 != null && a.modelSha256() != null && !a.modelSha256().equalsIgnoreCase(modelSha256)) {
            throw new BitSweepException(source + ": model_sha256 " + a.modelSha256()
                    + " is not the searched model's (" + modelSha256 + ")");
        }
        for (String named : a.layers().keySet()) {
            if (space.layers().stream().noneMatch(ls -> ls.layer().name().equals(named))) {
                throw new BitSweepException(source + ": layer '" + named + "' is not a quantizable layer of the model");
            }
        }
        byte[] genes = new byte[space.genomeLength()];
        for (LayerSpace ls : space.layers()) {
            String name = ls.layer().name();
            Assignment.Layer entry = a.layers().get(name);
            List<NumberFormat> weights = entry == null || entry.weights() == null ? List.of(a.defaultWeights())
                    : entry.weights();
            int channels = ls.layer().outChannels();
            if (weights.size() != 1 && weights.size() != channels) {
                throw new BitSweepException(source + ": " + name + ".weights has " + weights.size()
                        + " formats; the layer has " + channels + " output channels");
            }
            List<NumberFormat> perChannel = weights.size() == 1 ? Collections.nCopies(channels, weights.get(0))
                    : weights;
            for (int gene = 0; gene < ls.weightGenes(); gene++) {
                int from = gene * ls.channelsPerGene();
                NumberFormat format = perChannel.get(from);
                if (perChannel.subList(from, from + ls.channelsPerGene()).stream().anyMatch(f -> !f.equals(format))) {
                    throw new BitSweepException(source + ": " + name + " has per-channel weight formats, but this "
                            + "search gives the layer one format (granularity per-layer)");
                }
                genes[ls.weightOffset() + gene] = (byte) index(ls.weights(), format, source, name + ".weights");
            }
            NumberFormat act = entry == null || entry.activations() == null ? a.defaultActivations()
                    : entry.activations();
            genes[ls.activationGene()] = (byte) index(ls.activations(), act, source, name + ".activations");
        }
        return Genome.wrap(genes);
    }

    private static int index(List<NumberFormat> allowed, NumberFormat format, String source, String field) {
        int i = allowed.indexOf(format);
        if (i < 0) {
            throw new BitSweepException(source + ": " + field + " '" + format + "' is not in this search space (allowed: "
                    + String.join(", ", allowed.stream().map(NumberFormat::spec).toList()) + ")");
        }
        return i;
    }
}
