package io.bitsweep.search.space;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.search.config.SearchSettings;

/**
 * Genome -> assignment JSON, exactly the schema {@code bitsweep eval --assignment} loads (CONTRACTS.md): every layer
 * listed, weights as one spec or one spec per output channel.
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
        return root;
    }

    public String toJsonString(Genome g) {
        try {
            return JSON.writeValueAsString(toJson(g)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
