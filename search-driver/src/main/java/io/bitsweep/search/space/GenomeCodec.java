package io.bitsweep.search.space;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.search.config.ScaleChoice;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Genome to {@link Assignment} and back, in the manner of Jenetics' {@code Codec}: {@link #decode} gives the
 * assignment a candidate stands for (what {@code bitsweep eval --assignment} loads from its JSON form), every layer
 * listed with one format or one per output channel, the formats being the space's own parsed values; {@link #encode}
 * maps an assignment that lies in the space back to its genome, for assignments that seed a search.
 */
public final class GenomeCodec implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final NumberFormat INT8 = NumberFormat.parse("int8");
    private static final NumberFormat INT8_POT = NumberFormat.parse("int8:pot");

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
     * The assignment of a genome: defaults int8 (what ADDs, which have no gene, write), every layer's weights as
     * one format when all its channels agree, else one per channel, its activations, both with the layer's scale
     * choice applied, and this search's settings. An ADD whose inputs both have power-of-two scales writes
     * {@code int8:pot} (listed under its name), so that it too rescales by shifts only; pools and reshapes keep
     * their input's scale.
     */
    public Assignment decode(Genome g) {
        Map<String, Assignment.Layer> layers = new LinkedHashMap<>();
        Set<String> potOutputs = new HashSet<>();
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            NumberFormat[] perChannel = new NumberFormat[ls.layer().outChannels()];
            boolean uniform = true;
            for (int c = 0; c < perChannel.length; c++) {
                perChannel[c] = space.weightFormat(g, l, c);
                uniform &= perChannel[c].equals(perChannel[0]);
            }
            NumberFormat act = space.activationFormat(g, l);
            if (act instanceof IntFormat i && i.powerOfTwo()) {
                potOutputs.add(ls.layer().name());
            }
            layers.put(ls.layer().name(), uniform
                    ? new Assignment.Layer(List.of(perChannel[0]), false, act)
                    : new Assignment.Layer(Arrays.asList(perChannel), true, act));
        }
        for (AddInfo add : space.adds()) {
            if (potOutputs.containsAll(add.inputs())) {
                potOutputs.add(add.name());
                layers.put(add.name(), new Assignment.Layer(null, false, INT8_POT));
            }
        }
        return new Assignment(modelSha256, INT8, INT8, layers, settings);
    }

    /**
     * The genome of an assignment, if it lies in this space: every layer's weight and activation formats among the
     * layer's allowed ones under one of its scale choices (the first that fits), one format for all channels of a
     * per-layer layer, and any ADD it names writing what {@link #decode} derives. Calibration, weight-scale,
     * requantization and fusion settings are this search's, whatever the assignment says.
     *
     * @throws BitSweepException naming {@code source}, the first layer that does not fit and its allowed formats
     */
    public Genome encode(Assignment a, String source) {
        if (modelSha256 != null && a.modelSha256() != null && !a.modelSha256().equalsIgnoreCase(modelSha256)) {
            throw new BitSweepException(source + ": model_sha256 " + a.modelSha256()
                    + " is not the searched model's (" + modelSha256 + ")");
        }
        for (String named : a.layers().keySet()) {
            if (space.layers().stream().noneMatch(ls -> ls.layer().name().equals(named))
                    && space.adds().stream().noneMatch(add -> add.name().equals(named))) {
                throw new BitSweepException(source + ": layer '" + named + "' is not a quantizable layer or an ADD of "
                        + "the model");
            }
        }
        byte[] genes = new byte[space.genomeLength()];
        for (LayerSpace ls : space.layers()) {
            encodeLayer(ls, a, source, genes);
        }
        Genome g = Genome.wrap(genes);
        Map<String, Assignment.Layer> derived = decode(g).layers();
        for (AddInfo add : space.adds()) {
            Assignment.Layer entry = a.layers().get(add.name());
            if (entry != null && (entry.weights() != null || entry.activations() == null
                    || !entry.activations().equals(addOutput(derived, add.name())))) {
                throw new BitSweepException(source + ": " + add.name() + " must be {\"activations\": \""
                        + addOutput(derived, add.name()) + "\"} in this search (an ADD writes int8, or int8:pot when "
                        + "both its inputs have power-of-two scales)");
            }
        }
        return g;
    }

    private static NumberFormat addOutput(Map<String, Assignment.Layer> decoded, String add) {
        Assignment.Layer l = decoded.get(add);
        return l == null ? INT8 : l.activations();
    }

    /** One layer's genes: its weight and activation formats looked up under each of its scale choices in turn. */
    private static void encodeLayer(LayerSpace ls, Assignment a, String source, byte[] genes) {
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
        NumberFormat act = entry == null || entry.activations() == null ? a.defaultActivations()
                : entry.activations();
        BitSweepException firstMiss = null;
        for (int s = 0; s < ls.scales().size(); s++) {
            ScaleChoice scale = ls.scales().get(s);
            try {
                for (int gene = 0; gene < ls.weightGenes(); gene++) {
                    int from = gene * ls.channelsPerGene();
                    NumberFormat format = perChannel.get(from);
                    if (perChannel.subList(from, from + ls.channelsPerGene()).stream()
                            .anyMatch(f -> !f.equals(format))) {
                        throw new BitSweepException(source + ": " + name + " has per-channel weight formats, but "
                                + "this search gives the layer one format (granularity per-layer)");
                    }
                    genes[ls.weightOffset() + gene] = (byte) index(ls.weights(), scale, format, source,
                            name + ".weights");
                }
                genes[ls.activationGene()] = (byte) index(ls.activations(), scale, act, source,
                        name + ".activations");
                if (ls.scaleGene() >= 0) {
                    genes[ls.scaleGene()] = (byte) s;
                }
                return;
            } catch (BitSweepException e) {
                firstMiss = firstMiss == null ? e : firstMiss;
            }
        }
        throw firstMiss;
    }

    /** The gene value of {@code format} among the allowed formats under a scale choice. */
    private static int index(List<NumberFormat> allowed, ScaleChoice scale, NumberFormat format, String source,
            String field) {
        List<NumberFormat> applied = allowed.stream().map(scale::apply).toList();
        int i = applied.indexOf(format);
        if (i < 0) {
            throw new BitSweepException(source + ": " + field + " '" + format + "' is not in this search space (allowed"
                    + (scale == ScaleChoice.FLOAT ? "" : " with " + scale.key() + " scales") + ": "
                    + String.join(", ", applied.stream().map(NumberFormat::spec).toList()) + ")");
        }
        return i;
    }
}
