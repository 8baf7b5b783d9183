package io.bitsweep.search.space;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.search.config.SearchSettings;
import java.util.List;

/**
 * Genome -> assignment JSON, exactly the schema {@code bitsweep eval --assignment} loads (CONTRACTS.md): every layer
 * listed, weights as one spec or one spec per output channel; and back, for assignments that seed a search.
 */
public final class AssignmentCodec implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public static final String SCHEMA = "bitsweep.assignment/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SearchSpace space;
    private final SearchSettings.Quantization quantization;
    private final String modelSha256;

    public AssignmentCodec(SearchSpace space, SearchSettings.Quantization quantization, String modelSha256) {
        this.space = space;
        this.quantization = quantization;
        this.modelSha256 = modelSha256;
    }

    public ObjectNode toJson(Genome g) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        if (modelSha256 != null) {
            root.put("model_sha256", modelSha256);
        }
        ObjectNode defaults = root.putObject("defaults");
        defaults.put("weights", "int8");
        defaults.put("activations", "int8");
        ObjectNode layers = root.putObject("layers");
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            ObjectNode layer = layers.putObject(ls.layer().name());
            int channels = ls.layer().outChannels();
            boolean uniform = true;
            for (int c = 1; c < channels && uniform; c++) {
                uniform = space.weightFormat(g, l, c).equals(space.weightFormat(g, l, 0));
            }
            if (uniform) {
                layer.put("weights", space.weightFormat(g, l, 0));
            } else {
                ArrayNode arr = layer.putArray("weights");
                for (int c = 0; c < channels; c++) {
                    arr.add(space.weightFormat(g, l, c));
                }
            }
            layer.put("activations", space.activationFormat(g, l));
        }
        ObjectNode cal = root.putObject("calibration");
        cal.put("method", quantization.calibration());
        if (quantization.calibration().equals("percentile")) {
            cal.put("percentile", quantization.percentile());
        }
        root.put("weight_scales", quantization.weightScales());
        root.put("requant", quantization.requant());
        if (!quantization.fusion().equals("none")) {
            root.put("fusion", quantization.fusion());
        }
        return root;
    }

    /**
     * The genome of an assignment, if it lies in this space: every layer's weight and activation formats among the
     * layer's allowed ones (spelled as the config spells them), and one format for all channels of a per-layer
     * layer. Calibration, weight-scale and requantization settings are this search's, whatever the assignment says.
     *
     * @throws BitSweepException naming {@code source}, the first layer that does not fit and its allowed formats
     */
    public Genome toGenome(Assignment a, String source) {
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
            List<String> weights = entry == null || entry.weights() == null ? List.of(a.defaultWeights()) : entry.weights();
            int channels = ls.layer().outChannels();
            if (weights.size() != 1 && weights.size() != channels) {
                throw new BitSweepException(source + ": " + name + ".weights has " + weights.size()
                        + " formats; the layer has " + channels + " output channels");
            }
            List<String> perChannel = weights.size() == 1 ? java.util.Collections.nCopies(channels, weights.get(0))
                    : weights;
            for (int gene = 0; gene < ls.weightGenes(); gene++) {
                int from = gene * ls.channelsPerGene();
                String format = perChannel.get(from);
                if (perChannel.subList(from, from + ls.channelsPerGene()).stream().anyMatch(f -> !f.equals(format))) {
                    throw new BitSweepException(source + ": " + name + " has per-channel weight formats, but this "
                            + "search gives the layer one format (granularity per-layer)");
                }
                genes[ls.weightOffset() + gene] = (byte) index(ls.weights(), format, source, name + ".weights");
            }
            String act = entry == null || entry.activations() == null ? a.defaultActivations() : entry.activations();
            genes[ls.activationGene()] = (byte) index(ls.activations(), act, source, name + ".activations");
        }
        return Genome.wrap(genes);
    }

    private static int index(List<String> allowed, String spec, String source, String field) {
        int i = allowed.indexOf(spec);
        if (i < 0) {
            throw new BitSweepException(source + ": " + field + " '" + spec + "' is not in this search space (allowed: "
                    + String.join(", ", allowed) + ")");
        }
        return i;
    }

    public String toJsonString(Genome g) {
        try {
            return JSON.writeValueAsString(toJson(g)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
