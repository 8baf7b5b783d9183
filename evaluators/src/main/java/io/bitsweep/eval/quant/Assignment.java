package io.bitsweep.eval.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
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
 * A quantization assignment as CONTRACTS.md defines it ({@code bitsweep.assignment/1}): per layer, the weight
 * format of every output channel (one spec for all, or one per channel) and the output activation format; defaults
 * for everything not named; calibration, weight-scale and requantization methods; which residual ADDs are fused
 * into the accumulator of the conv feeding them. Spec strings are kept as written here and checked against the model
 * by {@link QuantPlan#resolve}. Immutable.
 */
public record Assignment(String modelSha256, String defaultWeights, String defaultActivations,
        Map<String, Layer> layers, Calibration calibration, WeightScales weightScales, Requant requant,
        Fusion fusion) {

    public static final String SCHEMA = "bitsweep.assignment/1";

    /** One layer's entry: {@code weights} is null (default), one spec, or one spec per output channel. */
    public record Layer(List<String> weights, boolean perChannel, String activations) {}

    public enum CalibrationMethod { MINMAX, PERCENTILE, MSE }

    public record Calibration(CalibrationMethod method, double percentile) {
        public static final Calibration MINMAX = new Calibration(CalibrationMethod.MINMAX, 99.99);
    }

    public enum WeightScales { MINMAX, MSE }

    public enum Requant { DOUBLE, SINGLE }

    /**
     * The {@code fusion} key: {@code none} (default) requantizes a residual ADD as TFLite's int8 ADD does, after
     * its inputs were quantized; {@code residual} adds the shortcut into the accumulator of the CONV_2D,
     * DEPTHWISE_CONV_2D or FULLY_CONNECTED that feeds the ADD and requantizes once (docs/ASSIGNMENT.md).
     */
    public enum Fusion { NONE, RESIDUAL }

    public Assignment {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        java.util.Objects.requireNonNull(fusion, "fusion");
    }

    /** Without residual fusion ({@code fusion: none}), as every assignment before the key existed. */
    public Assignment(String modelSha256, String defaultWeights, String defaultActivations, Map<String, Layer> layers,
            Calibration calibration, WeightScales weightScales, Requant requant) {
        this(modelSha256, defaultWeights, defaultActivations, layers, calibration, weightScales, requant, Fusion.NONE);
    }

    /** This assignment with the {@code fusion} key set to {@code f}. */
    public Assignment withFusion(Fusion f) {
        return new Assignment(modelSha256, defaultWeights, defaultActivations, layers, calibration, weightScales,
                requant, f);
    }

    /** Parses a {@code fusion} value ({@code none}, {@code residual}); {@code what} names it in the error. */
    public static Fusion parseFusion(String value, String what) {
        return choice(Fusion.class, value, what);
    }

    /** Every layer with the same weight and activation formats, minmax calibration and scales, double rounding. */
    public static Assignment uniform(String weights, String activations) {
        return new Assignment(null, weights, activations, Map.of(), Calibration.MINMAX, WeightScales.MINMAX,
                Requant.DOUBLE);
    }

    /**
     * A seeded random per-channel mix for benchmarks: every channel of every quantizable layer drawn from
     * int8 (30%), int4 (30%), int2 (35%) and pruned (5%); activations int8:asym.
     */
    public static Assignment randomMixed(io.bitsweep.eval.model.Model model, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (io.bitsweep.eval.model.Op op : model.quantizableLayers()) {
            List<String> w = new ArrayList<>();
            for (int c = 0; c < model.outputChannels(op); c++) {
                double u = rnd.nextDouble();
                w.add(u < 0.05 ? "pruned" : u < 0.4 ? "int2" : u < 0.7 ? "int4" : "int8");
            }
            layers.put(op.name(), new Layer(w, true, null));
        }
        return new Assignment(null, "int8", "int8:asym", layers, Calibration.MINMAX, WeightScales.MINMAX,
                Requant.DOUBLE);
    }

    /**
     * Parses {@code --uniform w=int4,a=int8} (either key may be left out: int8).
     */
    public static Assignment parseUniform(String spec) {
        String w = "int8";
        String a = "int8";
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new BitSweepException("--uniform: '" + part + "' is not key=spec (allowed keys: w, a), e.g. "
                        + "w=int4,a=int8");
            }
            switch (kv[0].trim()) {
                case "w" -> w = kv[1].trim();
                case "a" -> a = kv[1].trim();
                default -> throw new BitSweepException("--uniform: unknown key '" + kv[0].trim()
                        + "' (allowed: w, a)");
            }
        }
        io.bitsweep.eval.format.NumberFormat.parse(w, "--uniform w");
        io.bitsweep.eval.format.NumberFormat.parse(a, "--uniform a");
        return uniform(w, a);
    }

    /** Reads and checks the JSON structure (not yet against a model); errors name the file and field. */
    public static Assignment read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new BitSweepException(file + ": not a readable JSON assignment: " + firstLine(e.getMessage()), e);
        }
        return parse(root, file.toString());
    }

    /** An assignment from its JSON text; {@code source} names it in error messages. */
    public static Assignment parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new BitSweepException(source + ": not a readable JSON assignment: " + firstLine(e.getMessage()), e);
        }
        return parse(root, source);
    }

    static Assignment parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new BitSweepException(source + ": an assignment must be a JSON object");
        }
        allowOnly(root, source, "", Set.of("schema", "model_sha256", "defaults", "layers", "calibration",
                "weight_scales", "requant", "fusion"));
        String schema = text(root, "schema", source, SCHEMA);
        if (!SCHEMA.equals(schema)) {
            throw new BitSweepException(source + ": schema '" + schema + "' is not supported (allowed: " + SCHEMA + ")");
        }
        String sha = root.has("model_sha256") ? text(root, "model_sha256", source, null) : null;
        String dw = "int8";
        String da = "int8";
        if (root.has("defaults")) {
            JsonNode d = object(root.get("defaults"), source, "defaults");
            allowOnly(d, source, "defaults.", Set.of("weights", "activations"));
            dw = d.has("weights") ? text(d, "weights", source + ": defaults", null) : dw;
            da = d.has("activations") ? text(d, "activations", source + ": defaults", null) : da;
        }
        Map<String, Layer> layers = new LinkedHashMap<>();
        if (root.has("layers")) {
            JsonNode ls = object(root.get("layers"), source, "layers");
            for (Iterator<Map.Entry<String, JsonNode>> it = ls.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "layers." + e.getKey();
                JsonNode l = object(e.getValue(), source, field);
                allowOnly(l, source, field + ".", Set.of("weights", "activations"));
                List<String> weights = null;
                boolean perChannel = false;
                if (l.has("weights")) {
                    JsonNode w = l.get("weights");
                    if (w.isTextual()) {
                        weights = List.of(w.asText());
                    } else if (w.isArray()) {
                        perChannel = true;
                        weights = new ArrayList<>();
                        for (JsonNode s : w) {
                            if (!s.isTextual()) {
                                throw new BitSweepException(source + ": " + field
                                        + ".weights must hold spec strings, got " + s);
                            }
                            weights.add(s.asText());
                        }
                    } else {
                        throw new BitSweepException(source + ": " + field
                                + ".weights must be a spec string or an array of one spec per output channel");
                    }
                }
                String act = l.has("activations") ? text(l, "activations", source + ": " + field, null) : null;
                layers.put(e.getKey(), new Layer(weights, perChannel, act));
            }
        }
        Calibration cal = Calibration.MINMAX;
        if (root.has("calibration")) {
            JsonNode c = object(root.get("calibration"), source, "calibration");
            allowOnly(c, source, "calibration.", Set.of("method", "percentile"));
            CalibrationMethod m = c.has("method")
                    ? choice(CalibrationMethod.class, text(c, "method", source + ": calibration", null), source,
                            "calibration.method")
                    : CalibrationMethod.MINMAX;
            double p = 99.99;
            if (c.has("percentile")) {
                JsonNode pn = c.get("percentile");
                if (!pn.isNumber() || pn.asDouble() <= 50 || pn.asDouble() > 100) {
                    throw new BitSweepException(source + ": calibration.percentile must be a number in (50, 100], got "
                            + pn);
                }
                p = pn.asDouble();
            }
            cal = new Calibration(m, p);
        }
        WeightScales ws = root.has("weight_scales")
                ? choice(WeightScales.class, text(root, "weight_scales", source, null), source, "weight_scales")
                : WeightScales.MINMAX;
        Requant rq = root.has("requant")
                ? choice(Requant.class, text(root, "requant", source, null), source, "requant")
                : Requant.DOUBLE;
        Fusion fusion = root.has("fusion")
                ? choice(Fusion.class, text(root, "fusion", source, "none or residual"), source, "fusion")
                : Fusion.NONE;
        return new Assignment(sha, dw, da, layers, cal, ws, rq, fusion);
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
                throw new BitSweepException(source + ": unknown field '" + prefix + f + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String value, String source, String field) {
        return choice(type, value, source + ": " + field);
    }

    /** The constant named {@code value} (any case), else a one-line error {@code <what> '<value>' is not allowed}. */
    private static <E extends Enum<E>> E choice(Class<E> type, String value, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new BitSweepException(what + " '" + value + "' is not allowed (allowed: " + String.join(", ", allowed)
                + ")");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
