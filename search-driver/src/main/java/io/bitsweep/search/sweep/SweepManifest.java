package io.bitsweep.search.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.typesafe.config.ConfigRenderOptions;
import java.util.List;

/**
 * sweep.json: what a sweep directory holds (schema bitsweep.sweep/1): the sweep's name, its config file, the
 * reference space and every cell with its benchmark, target, space, seed and run directory (relative to the sweep
 * directory). Notebooks read it to find the cells; {@code --resume} requires it.
 */
final class SweepManifest {
    static final String SCHEMA = "bitsweep.sweep/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepManifest() {}

    static String json(SweepConfig config, List<SweepCell> cells) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("name", config.name());
        root.put("config_file", config.file().toString());
        if (config.referenceSpace() != null) {
            root.put("reference_space", config.referenceSpace());
        }
        ArrayNode list = root.putArray("cells");
        for (SweepCell c : cells) {
            ObjectNode n = list.addObject();
            n.put("run", c.id());
            n.put("benchmark", c.benchmark().name());
            if (c.benchmark().config() != null) {
                n.put("search_config", c.benchmark().config().toString());
            }
            n.put("target", c.target());
            n.put("space", c.space().name());
            n.put("seed", c.seed());
            n.put("space_settings", c.space().settings().root().render(ConfigRenderOptions.concise()));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
