package io.bitsweep.search.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.splits.SampleSplits;
import java.io.IOException;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * splits.json, the run's sample selection (docs/RUN-STORE.md): the calibration ids and the evaluation ids in
 * evaluation order, with each split's class counts for people reading it. A resumed run reuses it, and
 * {@code bitsweep eval --splits} scores exactly those samples.
 */
public final class SplitsFile {
    public static final String NAME = "splits.json";
    static final String SCHEMA = "bitsweep.splits/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SplitsFile() {}

    /** @param labels the class of every sample of the data set, for the class counts */
    public static String write(SampleSplits s, int[] labels) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("selection", s.selection());
        root.put("seed", s.seed());
        root.put("data_samples", s.dataSize());
        split(root.putObject("calibration"), "ids", s.calibration(), labels);
        split(root.putObject("evaluation"), "order", s.evaluationOrder(), labels);
        return root.toPrettyString() + "\n";
    }

    private static void split(ObjectNode node, String key, int[] ids, int[] labels) {
        node.put("samples", ids.length);
        TreeMap<Integer, Integer> classes = new TreeMap<>();
        for (int id : ids) {
            classes.merge(labels[id], 1, Integer::sum);
        }
        ObjectNode counts = node.putObject("classes");
        classes.forEach((c, n) -> counts.put(String.valueOf(c), n));
        ArrayNode a = node.putArray(key);
        for (int id : ids) {
            a.add(id);
        }
    }

    /** Reads a splits.json ({@code file} names it in errors); its ids must index its {@code data_samples}. */
    public static SampleSplits read(String json, String file) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new BitSweepException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
        if (root == null || !SCHEMA.equals(root.path("schema").asText())) {
            throw new BitSweepException(file + ": schema: expected " + SCHEMA + " (a run's splits.json)");
        }
        int dataSize = root.path("data_samples").asInt(-1);
        if (dataSize < 1) {
            throw new BitSweepException(file + ": data_samples: expected the size of the data set (got "
                    + root.path("data_samples") + ")");
        }
        return new SampleSplits(root.path("selection").asText(), root.path("seed").asLong(), dataSize,
                ids(root, "calibration", "ids", file, dataSize), ids(root, "evaluation", "order", file, dataSize));
    }

    private static int[] ids(JsonNode root, String split, String key, String file, int dataSize) {
        JsonNode a = root.path(split).path(key);
        if (!a.isArray() || a.isEmpty()) {
            throw new BitSweepException(file + ": " + split + "." + key + ": expected a non-empty array of sample ids");
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            if (!v.canConvertToInt() || v.asInt() < 0 || v.asInt() >= dataSize || !v.isIntegralNumber()) {
                throw new BitSweepException(file + ": " + split + "." + key + "[" + i + "]: " + v
                        + " is not a sample id (allowed: 0.." + (dataSize - 1) + ")");
            }
            out[i] = v.asInt();
        }
        if (Arrays.stream(out).distinct().count() != out.length) {
            throw new BitSweepException(file + ": " + split + "." + key + ": a sample id is listed twice");
        }
        return out;
    }
}
