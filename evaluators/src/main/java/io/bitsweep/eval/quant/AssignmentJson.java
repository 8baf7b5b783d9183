package io.bitsweep.eval.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.InputText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON form of an {@link Assignment} ({@code bitsweep.assignment/1}, docs/ASSIGNMENT.md), used only where
 * assignments cross into files: {@code bitsweep eval --assignment}, the run store's {@code best/<id>.json}, warm
 * starts. Reading checks the structure and parses every spec string, each error one line naming the file and the
 * field. A document may carry its provenance (which run, config, seed, model, data and code made it).
 */
public final class AssignmentJson {
    public static final String SCHEMA = "bitsweep.assignment/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> TOP_LEVEL = Set.of("schema", "model_sha256", "provenance", "defaults", "layers",
            "calibration", "weight_scales", "requant", "fusion", "weight_rounding", "bias_correction",
            "arithmetic");

    /** An assignment file: the assignment and its provenance (field name to value as text; empty if none). */
    public record Document(Assignment assignment, Map<String, String> provenance) {
        public Document {
            provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        }
    }

    private AssignmentJson() {}

    /** Reads an assignment file; errors name the file and field. */
    public static Assignment read(Path file) {
        return readDocument(file).assignment();
    }

    public static Document readDocument(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BitSweepException(file + ": not a readable JSON assignment: " + firstLine(e.getMessage()), e);
        }
        return parseDocument(new String(bytes, StandardCharsets.UTF_8), file.toString());
    }

    /** An assignment from its JSON text; {@code source} names it in error messages. */
    public static Assignment parse(String json, String source) {
        return parseDocument(json, source).assignment();
    }

    public static Document parseDocument(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new BitSweepException(source + ": not a readable JSON assignment: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new BitSweepException(source + ": an assignment must be a JSON object");
        }
        allowOnly(root, source, "", TOP_LEVEL);
        String schema = text(root, "schema", source, SCHEMA);
        if (!SCHEMA.equals(schema)) {
            throw new BitSweepException(source + ": schema " + InputText.quote(schema) + " is not supported (allowed: "
                    + SCHEMA + ")");
        }
        String sha = root.has("model_sha256") ? text(root, "model_sha256", source, null) : null;
        NumberFormat dw = NumberFormat.parse("int8");
        NumberFormat da = dw;
        if (root.has("defaults")) {
            JsonNode d = object(root.get("defaults"), source, "defaults");
            allowOnly(d, source, "defaults.", Set.of("weights", "activations"));
            if (d.has("weights")) {
                dw = NumberFormat.parse(text(d, "weights", source + ": defaults", null), source + ": defaults.weights");
            }
            if (d.has("activations")) {
                da = NumberFormat.parse(text(d, "activations", source + ": defaults", null),
                        source + ": defaults.activations");
            }
        }
        Map<String, Assignment.Layer> layers = new LinkedHashMap<>();
        if (root.has("layers")) {
            JsonNode ls = object(root.get("layers"), source, "layers");
            for (Iterator<Map.Entry<String, JsonNode>> it = ls.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                layers.put(e.getKey(), layer(e.getValue(), source, "layers." + InputText.oneLine(e.getKey())));
            }
        }
        return new Document(new Assignment(sha, dw, da, layers, settings(root, source)), provenance(root, source));
    }

    private static Assignment.Layer layer(JsonNode node, String source, String field) {
        JsonNode l = object(node, source, field);
        allowOnly(l, source, field + ".", Set.of("weights", "activations"));
        List<NumberFormat> weights = null;
        boolean perChannel = false;
        String where = source + ": " + field + ".weights";
        if (l.has("weights")) {
            JsonNode w = l.get("weights");
            if (w.isTextual()) {
                weights = List.of(NumberFormat.parse(w.asText(), where));
            } else if (w.isArray()) {
                perChannel = true;
                weights = new ArrayList<>();
                for (JsonNode s : w) {
                    if (!s.isTextual()) {
                        throw new BitSweepException(source + ": " + field + ".weights must hold spec strings, got " + shown(s));
                    }
                    weights.add(NumberFormat.parse(s.asText(), where + "[" + weights.size() + "]"));
                }
            } else {
                throw new BitSweepException(source + ": " + field
                        + ".weights must be a spec string or an array of one spec per output channel");
            }
        }
        NumberFormat act = l.has("activations") ? NumberFormat.parse(text(l, "activations", source + ": " + field,
                null), source + ": " + field + ".activations") : null;
        return new Assignment.Layer(weights, perChannel, act);
    }

    private static QuantSettings settings(JsonNode root, String source) {
        QuantSettings.Calibration cal = QuantSettings.Calibration.MINMAX;
        if (root.has("calibration")) {
            JsonNode c = object(root.get("calibration"), source, "calibration");
            allowOnly(c, source, "calibration.", Set.of("method", "percentile"));
            QuantSettings.CalibrationMethod m = c.has("method")
                    ? Choices.parse(QuantSettings.CalibrationMethod.class,
                            text(c, "method", source + ": calibration", null), source + ": calibration.method")
                    : QuantSettings.CalibrationMethod.MINMAX;
            double p = 99.99;
            if (c.has("percentile")) {
                JsonNode pn = c.get("percentile");
                if (!pn.isNumber() || pn.asDouble() <= 50 || pn.asDouble() > 100) {
                    throw new BitSweepException(source + ": calibration.percentile must be a number in (50, 100], got "
                            + shown(pn));
                }
                p = pn.asDouble();
            }
            cal = new QuantSettings.Calibration(m, p);
        }
        QuantSettings.WeightScales ws = root.has("weight_scales")
                ? Choices.parse(QuantSettings.WeightScales.class, text(root, "weight_scales", source, null),
                        source + ": weight_scales")
                : QuantSettings.WeightScales.MINMAX;
        QuantSettings.Requant rq = root.has("requant")
                ? Choices.parse(QuantSettings.Requant.class, text(root, "requant", source, null),
                        source + ": requant")
                : QuantSettings.Requant.DOUBLE;
        QuantSettings.Fusion fusion = root.has("fusion")
                ? Choices.parse(QuantSettings.Fusion.class, text(root, "fusion", source, "none or residual"),
                        source + ": fusion")
                : QuantSettings.Fusion.NONE;
        QuantSettings.WeightRounding rounding = root.has("weight_rounding")
                ? Choices.parse(QuantSettings.WeightRounding.class, text(root, "weight_rounding", source,
                        "nearest or gptq"), source + ": weight_rounding")
                : QuantSettings.WeightRounding.NEAREST;
        boolean biasCorrection = false;
        if (root.has("bias_correction")) {
            JsonNode b = root.get("bias_correction");
            if (!b.isBoolean()) {
                throw new BitSweepException(source + ": bias_correction must be true or false, got " + shown(b));
            }
            biasCorrection = b.asBoolean();
        }
        // Files from before profiles name none: they were scored with TFLite 2.6's arithmetic.
        Arithmetic arithmetic = root.has("arithmetic")
                ? Choices.parse(Arithmetic.class, text(root, "arithmetic", source, Choices.words(Arithmetic.class)),
                        source + ": arithmetic")
                : Arithmetic.DEFAULT;
        return new QuantSettings(cal, ws, rq, fusion, rounding, biasCorrection, arithmetic);
    }

    private static Map<String, String> provenance(JsonNode root, String source) {
        Map<String, String> out = new LinkedHashMap<>();
        if (root.has("provenance")) {
            JsonNode p = object(root.get("provenance"), source, "provenance");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode()) {
                    throw new BitSweepException(source + ": provenance." + InputText.oneLine(e.getKey())
                            + " must be a string or a number");
                }
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** The JSON text of an assignment: every listed layer, formats as canonical spec strings, settings spelled out. */
    public static String write(Assignment a) {
        return write(a, Map.of());
    }

    /** The same with a {@code provenance} object (values are written as JSON strings, numbers as numbers). */
    public static String write(Assignment a, Map<String, ?> provenance) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        if (a.modelSha256() != null) {
            root.put("model_sha256", a.modelSha256());
        }
        if (!provenance.isEmpty()) {
            ObjectNode p = root.putObject("provenance");
            provenance.forEach((k, v) -> {
                if (v instanceof Number n) {
                    p.put(k, n.longValue());
                } else {
                    p.put(k, String.valueOf(v));
                }
            });
        }
        ObjectNode defaults = root.putObject("defaults");
        defaults.put("weights", a.defaultWeights().spec());
        defaults.put("activations", a.defaultActivations().spec());
        ObjectNode layers = root.putObject("layers");
        a.layers().forEach((name, l) -> {
            ObjectNode layer = layers.putObject(name);
            if (l.weights() != null) {
                if (l.perChannel()) {
                    ArrayNode arr = layer.putArray("weights");
                    l.weights().forEach(f -> arr.add(f.spec()));
                } else {
                    layer.put("weights", l.weights().get(0).spec());
                }
            }
            if (l.activations() != null) {
                layer.put("activations", l.activations().spec());
            }
        });
        QuantSettings s = a.settings();
        ObjectNode cal = root.putObject("calibration");
        cal.put("method", Choices.word(s.calibration().method()));
        if (s.calibration().method() == QuantSettings.CalibrationMethod.PERCENTILE) {
            cal.put("percentile", s.calibration().percentile());
        }
        root.put("weight_scales", Choices.word(s.weightScales()));
        root.put("weight_rounding", Choices.word(s.weightRounding()));
        root.put("bias_correction", s.biasCorrection());
        root.put("requant", Choices.word(s.requant()));
        if (s.fusion() != QuantSettings.Fusion.NONE) {
            root.put("fusion", Choices.word(s.fusion()));
        }
        root.put("arithmetic", Choices.word(s.arithmetic()));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of strings and numbers always serializes
        }
    }

    private static JsonNode object(JsonNode n, String source, String field) {
        if (!n.isObject()) {
            throw new BitSweepException(source + ": " + field + " must be a JSON object");
        }
        return n;
    }

    private static String text(JsonNode parent, String key, String where, String expected) {
        JsonNode n = parent.get(key);
        if (n == null || !n.isTextual()) {
            throw new BitSweepException(where + ": field '" + key + "' must be a string"
                    + (expected == null ? "" : " (" + expected + ")"));
        }
        return n.asText();
    }

    private static void allowOnly(JsonNode n, String source, String prefix, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new BitSweepException(source + ": unknown field " + InputText.quote(prefix + f) + " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** The first line of a parser's message, which may repeat the file's text: escaped as {@link InputText} does. */
    private static String firstLine(String s) {
        return s == null ? "" : InputText.oneLine(s.lines().findFirst().orElse(""));
    }

    /** A JSON value from the file in a message: its JSON text, escaped and cut as {@link InputText} does. */
    private static String shown(JsonNode n) {
        return InputText.oneLine(n.toString());
    }
}
