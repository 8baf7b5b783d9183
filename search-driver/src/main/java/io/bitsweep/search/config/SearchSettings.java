package io.bitsweep.search.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.Kernels;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.quant.QuantSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The typed settings of one search, read from the {@code bitsweep.search} block of a resolved config (defaults from
 * reference.conf). Every bad value is a {@link BitSweepException} naming its HOCON path.
 */
public record SearchSettings(
        String model,
        String data,
        String evaluator,
        Runner runner,
        ExecutionSettings engine,
        String hwTarget,
        String hwDir,
        long seed,
        int population,
        int generations,
        int shards,
        long shardBytes,
        SplitSettings splits,
        List<Objective> objectives,
        double maxAccuracyDrop,
        MemoryBudget memoryBudget,
        LayerRule defaultRule,
        List<LayerRule> layerRules,
        QuantSettings quantization,
        Variation variation,
        int archiveMaxSize,
        ArchiveTruncation archiveTruncation,
        double hypervolumeReference,
        List<String> initFrom,
        RacingSettings racing,
        ProfileSettings profile,
        SolverSettings solver,
        PrescreenSettings prescreen,
        Config config) {

    public static final String ROOT = "bitsweep.search";

    /** Weight memory limit: none, the hardware target's weight memory, or a number of bytes. */
    public record MemoryBudget(boolean enabled, boolean fromTarget, long bytes) {
        public static final MemoryBudget NONE = new MemoryBudget(false, false, 0);
    }

    /**
     * Where a generation's candidates are scored: {@code spark}, one Spark job per generation (local[*] or a cluster);
     * {@code local}, a plain loop over the shards in this JVM. Both give the same archive for the same seed.
     */
    public enum Runner { SPARK, LOCAL }

    public record Variation(double crossoverProbability, boolean crossoverByLayer, int channelGroupSize,
                            double channelMutationProbability, double activationMutationProbability,
                            double layerMutationProbability, double randomInitialShare) {}

    public enum ArchiveTruncation { CROWDING, HYPERVOLUME }

    /** Reads and checks the settings; {@code config} must already be resolved and include reference.conf. */
    public static SearchSettings from(Config config) {
        try {
            Config c = config.getConfig(ROOT);
            List<Objective> objectives = objectives(c);
            LayerRule def = rule(c.getConfig("space.default"), null, path("space.default"));
            List<LayerRule> rules = new ArrayList<>();
            List<? extends Config> ruleConfigs = c.getConfigList("space.layers");
            for (int i = 0; i < ruleConfigs.size(); i++) {
                rules.add(rule(ruleConfigs.get(i), def, path("space.layers") + "[" + i + "]"));
            }
            return new SearchSettings(
                    c.getString("model"), c.getString("data"), nonEmpty(c, "evaluator"),
                    choice(c, "runner", Runner.class),
                    new ExecutionSettings(choice(c, "engine.kernels", Kernels.class),
                            between(c, "engine.batch-size", 1, ExactOptions.MAX_BATCH_SIZE)),
                    nonEmpty(c, "hw.target"), c.getString("hw.dir"),
                    c.getLong("seed"),
                    atLeast(c, "population", 2), atLeast(c, "generations", 1), atLeast(c, "shards", 1),
                    atLeastBytes(c, "shard-bytes", 1),
                    splits(c),
                    objectives,
                    fraction(c, "constraints.max-accuracy-drop", true),
                    memoryBudget(c),
                    def, List.copyOf(rules),
                    new QuantSettings(
                            new QuantSettings.Calibration(
                                    choice(c, "quantization.calibration", QuantSettings.CalibrationMethod.class),
                                    percentile(c)),
                            choice(c, "quantization.weight-scales", QuantSettings.WeightScales.class),
                            choice(c, "quantization.requant", QuantSettings.Requant.class),
                            choice(c, "quantization.fusion", QuantSettings.Fusion.class),
                            choice(c, "quantization.weight-rounding", QuantSettings.WeightRounding.class),
                            bool(c, "quantization.bias-correction"),
                            choice(c, "quantization.arithmetic", Arithmetic.class)),
                    new Variation(
                            fraction(c, "variation.crossover-probability", false),
                            oneOf(c, "variation.crossover-unit", "layer", "channel-group").equals("layer"),
                            atLeast(c, "variation.channel-group-size", 1),
                            fraction(c, "variation.channel-mutation-probability", true),
                            fraction(c, "variation.activation-mutation-probability", true),
                            fraction(c, "variation.layer-mutation-probability", false),
                            fraction(c, "variation.random-initial-share", false)),
                    atLeast(c, "archive.max-size", 2),
                    choice(c, "archive.truncation", ArchiveTruncation.class),
                    positive(c, "hypervolume-reference"),
                    List.copyOf(c.getStringList("init-from")),
                    racing(c), profile(c), solver(c), prescreen(c),
                    config.getConfig(ROOT).atPath(ROOT));
        } catch (ConfigException e) {
            throw new BitSweepException(InputText.oneLine(e.getMessage()), e);
        }
    }

    /**
     * How many shards the evaluation split is cut into: {@code shards}, or more when that keeps each shard's raw
     * samples within {@code shard-bytes}, so a task's memory does not grow with the data set.
     *
     * @param evaluationBytes the raw bytes of the evaluation split ({@link
     *                        io.bitsweep.search.problem.SearchProblem#evaluationBytes()})
     */
    public int shardsFor(long evaluationBytes) {
        long needed = (evaluationBytes + shardBytes - 1) / shardBytes;
        return (int) Math.max(shards, Math.min(needed, Integer.MAX_VALUE));
    }

    /** The index of the quality objective (accuracy or AUC). */
    public int qualityObjective() {
        for (int i = 0; i < objectives.size(); i++) {
            if (objectives.get(i).isQuality()) {
                return i;
            }
        }
        throw new IllegalStateException("checked in from()");
    }

    /** The format rule for one layer: the first matching {@code space.layers} rule, else {@code space.default}. */
    public LayerRule ruleFor(String layerName) {
        for (LayerRule r : layerRules) {
            if (r.matches(layerName)) {
                return r;
            }
        }
        return defaultRule;
    }

    /** The resolved {@code bitsweep.search} block as JSON, as run.json records it. */
    public String configJson() {
        return config.getConfig(ROOT).root().render(ConfigRenderOptions.concise().setFormatted(true));
    }

    /** Every leaf of the resolved settings as path -> rendered value, for naming the keys two runs differ in. */
    public Map<String, String> flatten() {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : config.getConfig(ROOT).entrySet()) {
            out.put(ROOT + "." + e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
        }
        return out;
    }

    private static String path(String key) {
        return ROOT + "." + key;
    }

    private static List<Objective> objectives(Config c) {
        List<String> names = c.getStringList("objectives");
        List<Objective> out = new ArrayList<>();
        Set<Objective> seen = new LinkedHashSet<>();
        for (String n : names) {
            Objective o = Objective.parse(n, path("objectives"));
            if (!seen.add(o)) {
                throw new BitSweepException(path("objectives") + ": " + InputText.quote(n) + " is listed twice");
            }
            out.add(o);
        }
        long quality = out.stream().filter(Objective::isQuality).count();
        if (quality != 1) {
            throw new BitSweepException(path("objectives") + ": needs exactly one of accuracy, auc (got " + InputText.oneLine(names.toString()) + ")");
        }
        if (out.size() < 2) {
            throw new BitSweepException(path("objectives") + ": needs at least two objectives (got " + InputText.oneLine(names.toString()) + ")");
        }
        return List.copyOf(out);
    }

    private static LayerRule rule(Config r, LayerRule inherit, String at) {
        List<String> keys = List.of("weights", "granularity", "activations", "scales", "bfp-block-sizes");
        for (Map.Entry<String, ConfigValue> e : r.root().entrySet()) {
            if (!keys.contains(e.getKey()) && (inherit == null || !e.getKey().equals("match"))) {
                throw new BitSweepException(at + "." + InputText.oneLine(e.getKey()) + ": unknown key (allowed: "
                        + (inherit == null ? "" : "match, ") + String.join(", ", keys) + ")");
            }
        }
        String match = inherit == null ? "*" : r.hasPath("match") ? r.getString("match") : null;
        if (match == null || match.isBlank()) {
            throw new BitSweepException(at + ".match: missing (a layer name or glob such as conv_2d_*)");
        }
        List<Integer> blocks = r.hasPath("bfp-block-sizes") ? r.getIntList("bfp-block-sizes")
                : inherit == null ? List.of() : null;
        List<NumberFormat> weights = r.hasPath("weights") ? specs(r.getStringList("weights"), blocks,
                at + ".weights") : inherit.weights();
        List<NumberFormat> acts = r.hasPath("activations") ? specs(r.getStringList("activations"), blocks,
                at + ".activations") : inherit.activations();
        if (acts.stream().anyMatch(f -> f instanceof PrunedFormat)) {
            throw new BitSweepException(at + ".activations: 'pruned' is a weight format only");
        }
        GeneGranularity g = inherit != null && !r.hasPath("granularity") ? inherit.granularity()
                : GeneGranularity.valueOf(oneOfAt(r, "granularity", at + ".granularity", "per-channel", "per-layer")
                        .toUpperCase().replace('-', '_'));
        List<ScaleChoice> scales = r.hasPath("scales") ? scales(r.getStringList("scales"), at + ".scales")
                : inherit.scales();
        return new LayerRule(match, weights, g, acts, scales);
    }

    private static List<ScaleChoice> scales(List<String> raw, String at) {
        if (raw.isEmpty()) {
            throw new BitSweepException(at + ": must list at least one of float, pot");
        }
        LinkedHashSet<ScaleChoice> out = new LinkedHashSet<>();
        for (String s : raw) {
            ScaleChoice c = Arrays.stream(ScaleChoice.values()).filter(v -> v.key().equals(s)).findFirst()
                    .orElseThrow(() -> new BitSweepException(at + ": bad value " + InputText.quote(s) + " (allowed: float, pot)"));
            if (!out.add(c)) {
                throw new BitSweepException(at + ": " + InputText.quote(s) + " is listed twice");
            }
        }
        return List.copyOf(out);
    }

    private static List<NumberFormat> specs(List<String> raw, List<Integer> blocks, String at) {
        if (raw.isEmpty()) {
            throw new BitSweepException(at + ": must list at least one format");
        }
        List<Integer> bs = blocks != null ? blocks : List.of(16, 32);
        LinkedHashSet<NumberFormat> out = new LinkedHashSet<>();
        for (String s : raw) {
            if (s.startsWith("bfp:") && !s.contains(":b")) {
                if (bs.isEmpty()) {
                    throw new BitSweepException(at + ": " + InputText.quote(s) + " needs a block size: give :b<N> or bfp-block-sizes");
                }
                for (int b : bs) {
                    if (b < 4 || b > 256) {
                        throw new BitSweepException(at + ": bfp block size " + b + " out of range (allowed: 4..256)");
                    }
                    out.add(checkedSpec(s.replaceFirst("^(bfp:m\\d+)", "$1:b" + b), at));
                }
            } else {
                out.add(checkedSpec(s, at));
            }
        }
        if (out.size() > Byte.MAX_VALUE) {
            throw new BitSweepException(at + ": at most " + Byte.MAX_VALUE + " formats per layer");
        }
        return List.copyOf(out);
    }

    /** The formats' own parser decides what a valid spec is; its message (allowed values) is kept. */
    private static NumberFormat checkedSpec(String spec, String at) {
        try {
            return NumberFormat.parse(spec);
        } catch (BitSweepException e) {
            throw new BitSweepException(at + ": bad format " + InputText.quote(spec) + ": " + e.getMessage(), e);
        }
    }

    private static SplitSettings splits(Config c) {
        SplitSettings.Selection selection = choice(c, "splits.selection", SplitSettings.Selection.class);
        return new SplitSettings(selection, c.getLong("splits.seed"), c.getBoolean("splits.disjoint"),
                splitPart(c, "splits.calibration", selection), splitPart(c, "splits.evaluation", selection));
    }

    private static SplitSettings.Part splitPart(Config c, String key, SplitSettings.Selection selection) {
        int offset = c.getInt(key + ".offset");
        int count = c.getInt(key + ".count");
        int samples = c.getInt(key + ".samples");
        if (offset < 0 || count == 0 || count < -1) {
            throw new BitSweepException(path(key) + ": offset must be >= 0 and count > 0 or -1 (got offset "
                    + offset + ", count " + count + ")");
        }
        if (samples == 0 || samples < -1) {
            throw new BitSweepException(path(key + ".samples") + ": must be > 0 or -1 (all) (got " + samples + ")");
        }
        if (selection == SplitSettings.Selection.RANGE) {
            // reference.conf's draw size is for stratified selection; a config that asks for a range and never
            // mentions samples (every config written before splits were stratified) gets the range as it is.
            boolean userSet = !"reference.conf".equals(c.getValue(key + ".samples").origin().resource());
            if (userSet && samples != -1) {
                throw new BitSweepException(path(key + ".samples") + ": only with splits.selection = stratified; "
                        + "with range the split is samples [offset, offset + count) as they are (got " + samples
                        + ")");
            }
            samples = -1;
        }
        return new SplitSettings.Part(offset, count, samples);
    }

    /**
     * A feature that is a block of settings with a {@code mode}, or just its mode word: {@code racing = off} is
     * short for {@code racing.mode = off} (the other keys keep their defaults).
     */
    private static <E extends Enum<E>> E mode(Config c, String key, Class<E> type) {
        if (c.getValue(key).valueType() == ConfigValueType.OBJECT) {
            if (!c.hasPath(key + ".mode")) {
                // HOCON: "racing = off" then "racing.stages = ..." replaces the word by an object, and that object
                // no longer merges with reference.conf's block, so its mode is gone.
                throw new BitSweepException(path(key + ".mode") + ": missing: '" + key + " = <mode>' followed by "
                        + "'" + key + ".<key> = ...' replaces the mode; write '" + key + ".mode = <mode>' instead");
            }
            return choice(c, key + ".mode", type);
        }
        return choice(c, key, type);
    }

    /** The block's own keys if it is a block, else reference.conf's (the user gave only the mode word). */
    private static Config block(Config c, String key) {
        return c.getValue(key).valueType() == ConfigValueType.OBJECT ? c.getConfig(key)
                : SearchConfigLoader.reference().getConfig(path(key));
    }

    private static RacingSettings racing(Config c) {
        RacingSettings.Mode mode = mode(c, "racing", RacingSettings.Mode.class);
        Config r = block(c, "racing");
        List<Double> stages = r.getDoubleList("stages");
        String at = path("racing.stages");
        if (stages.isEmpty() || stages.get(stages.size() - 1) != 1.0) {
            throw new BitSweepException(at + ": must end with 1 (the whole evaluation split) (got " + stages + ")");
        }
        for (int i = 0; i < stages.size(); i++) {
            if (!(stages.get(i) > (i == 0 ? 0 : stages.get(i - 1)))) {
                throw new BitSweepException(at + ": fractions must increase from above 0 to 1 (got " + stages + ")");
            }
        }
        double confidence = r.getDouble("confidence");
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new BitSweepException(path("racing.confidence") + ": must be in [0.5, 1) (got " + confidence + ")");
        }
        return new RacingSettings(mode, stages, confidence);
    }

    private static ProfileSettings profile(Config c) {
        boolean on = mode(c, "profile", OnOff.class) == OnOff.ON;
        int samples = block(c, "profile").getInt("samples");
        if (samples == 0 || samples < -1) {
            throw new BitSweepException(path("profile.samples") + ": must be > 0 or -1 (all) (got " + samples + ")");
        }
        return new ProfileSettings(on, samples);
    }

    private static SolverSettings solver(Config c) {
        boolean on = mode(c, "solver", OnOff.class) == OnOff.ON;
        Config s = block(c, "solver");
        double time = s.getDouble("deterministic-time");
        if (!(time > 0)) {
            throw new BitSweepException(path("solver.deterministic-time") + ": must be > 0 (got " + time + ")");
        }
        double step = s.getDouble("extend-step");
        if (!(step >= 0 && step < 1)) {
            throw new BitSweepException(path("solver.extend-step") + ": a factor in [0, 1), 0 for no budgets below "
                    + "memory-budgets (got " + step + ")");
        }
        return new SolverSettings(on, budgets(s, "memory-budgets"), budgets(s, "cost-budgets"), step, time);
    }

    private static PrescreenSettings prescreen(Config c) {
        PrescreenSettings.Mode mode = mode(c, "prescreen", PrescreenSettings.Mode.class);
        int factor = block(c, "prescreen").getInt("factor");
        if (factor < 2) {
            throw new BitSweepException(path("prescreen.factor") + ": must be at least 2 (children bred per child "
                    + "scored; prescreen = off scores every child) (got " + factor + ")");
        }
        return new PrescreenSettings(mode, factor);
    }

    private static List<Double> budgets(Config solver, String key) {
        List<Double> b = solver.getDoubleList(key);
        if (b.isEmpty() || b.stream().anyMatch(v -> !(v > 0 && v <= 1))) {
            throw new BitSweepException(path("solver." + key) + ": fractions in (0, 1], at least one (got " + b + ")");
        }
        return List.copyOf(b);
    }

    /** A switch written as a word. */
    private enum OnOff { ON, OFF }

    private static MemoryBudget memoryBudget(Config c) {
        String key = "constraints.memory-budget";
        if (c.getValue(key).valueType() == ConfigValueType.NUMBER) {
            long b = c.getLong(key);
            if (b <= 0) {
                throw new BitSweepException(path(key) + ": must be > 0 bytes, \"target\" or \"none\" (got " + b + ")");
            }
            return new MemoryBudget(true, false, b);
        }
        String s = c.getString(key);
        return switch (s) {
            case "none" -> MemoryBudget.NONE;
            case "target" -> new MemoryBudget(true, true, 0);
            default -> {
                try {
                    yield new MemoryBudget(true, false, c.getBytes(key));
                } catch (ConfigException e) {
                    throw new BitSweepException(path(key) + ": bad value " + InputText.quote(s)
                            + " (allowed: a size such as 256KiB or 262144, \"target\", \"none\")");
                }
            }
        };
    }

    private static double percentile(Config c) {
        double p = c.getDouble("quantization.percentile");
        if (!(p > 50 && p <= 100)) {
            throw new BitSweepException(path("quantization.percentile") + ": must be in (50, 100] (got " + p + ")");
        }
        return p;
    }

    private static boolean bool(Config c, String key) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw new BitSweepException(path(key) + ": bad value "
                    + InputText.quote(String.valueOf(c.getValue(key).unwrapped())) + " (allowed: true, false)", e);
        }
    }

    private static String nonEmpty(Config c, String key) {
        String s = c.getString(key);
        if (s.isBlank()) {
            throw new BitSweepException(path(key) + ": must not be empty");
        }
        return s;
    }

    private static int atLeast(Config c, String key, int min) {
        int v = c.getInt(key);
        if (v < min) {
            throw new BitSweepException(path(key) + ": must be >= " + min + " (got " + v + ")");
        }
        return v;
    }

    private static long atLeastBytes(Config c, String key, long min) {
        long v = c.getBytes(key);
        if (v < min) {
            throw new BitSweepException(path(key) + ": must be >= " + min + " bytes (got " + v + ")");
        }
        return v;
    }

    private static int between(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw new BitSweepException(path(key) + ": must be in " + min + ".." + max + " (got " + v + ")");
        }
        return v;
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0)) {
            throw new BitSweepException(path(key) + ": must be > 0 (got " + v + ")");
        }
        return v;
    }

    /** A value in [0, 1]; with {@code minusOneAllowed}, -1 too (meaning "off" or "automatic"). */
    private static double fraction(Config c, String key, boolean minusOneAllowed) {
        double v = c.getDouble(key);
        if (!(v >= 0 && v <= 1) && !(minusOneAllowed && v == -1)) {
            throw new BitSweepException(path(key) + ": must be in [0, 1]" + (minusOneAllowed ? " or -1" : "")
                    + " (got " + v + ")");
        }
        return v;
    }

    /** The enum constant a key names, by its word as written (tflite-2.6) or with '-' for '_' (channel-group). */
    private static <E extends Enum<E>> E choice(Config c, String key, Class<E> type) {
        String s = c.getString(key);
        return Choices.lookup(type, s).or(() -> Choices.lookup(type, s.replace('-', '_'))).orElseThrow(() ->
                new BitSweepException(path(key) + ": bad value " + InputText.quote(s) + " (allowed: "
                        + Choices.words(type).replace('_', '-') + ")"));
    }

    private static String oneOf(Config c, String key, String... allowed) {
        return oneOfAt(c, key, path(key), allowed);
    }

    private static String oneOfAt(Config c, String key, String at, String... allowed) {
        String s = c.getString(key);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new BitSweepException(at + ": bad value " + InputText.quote(s) + " (allowed: " + String.join(", ", allowed)
                + ")");
    }
}
