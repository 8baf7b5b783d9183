package io.bitsweep.search.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A sweep config ({@code conf/sweeps/*.conf}, block {@code bitsweep.sweep}): benchmarks (each a search config),
 * hardware targets, search spaces (each a block of search keys) and seeds; every combination is one cell, one
 * ordinary search. Relative config paths are resolved against the sweep file's directory, as HOCON's own
 * {@code include} does, so a sweep runs the same from any working directory.
 *
 * @param set            search keys applied to every cell over its benchmark's config, under its space, target and
 *                       benchmark {@code set} (e.g. fewer generations)
 * @param referenceSpace the space the summary's savings are measured against, besides uniform int8
 */
public record SweepConfig(Path file, String name, List<Benchmark> benchmarks, List<String> targets,
                          List<Space> spaces, List<Long> seeds, Config set, String referenceSpace) {
    public static final String ROOT = "bitsweep.sweep";
    private static final Set<String> KEYS = Set.of("name", "benchmarks", "targets", "spaces", "seeds", "set",
            "reference-space");

    /**
     * A model and data set, as the search config {@code config} gives them (null: reference.conf's defaults alone),
     * with its own {@code set} on top.
     */
    public record Benchmark(String name, Path config, Config set) {}

    /** A search space: search keys ({@code space.*}, {@code quantization.*}, ...); {@code targets}: where it runs. */
    public record Space(String name, Config settings, List<String> targets) {}

    public static SweepConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BitSweepException("no such sweep config file: " + file);
        }
        Config root;
        try {
            // Substitutions resolve against the file itself, then environment variables (${?BITSWEEP_IMAGENET}).
            root = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
                    .resolve();
        } catch (ConfigException e) {
            // Typesafe Config's message names the file and line already when it has them.
            String why = InputText.oneLine(e.getMessage());
            throw new BitSweepException(why.startsWith(file.toString()) ? why : file + ": " + why, e);
        }
        if (!root.hasPath(ROOT)) {
            throw new BitSweepException(file + ": no " + ROOT + " block");
        }
        Config c = root.getConfig(ROOT);
        for (String key : c.root().keySet()) {
            if (!KEYS.contains(key)) {
                throw new BitSweepException(file + ": " + ROOT + "." + key + " is not a sweep key (allowed: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        String fileName = file.getFileName().toString().replaceFirst("\\.conf$", "");
        String name = c.hasPath("name") ? string(file, c, "name") : fileName;
        List<Benchmark> benchmarks = benchmarks(file, c, dir);
        List<String> targets = names(file, c, "targets");
        List<Space> spaces = spaces(file, c, targets);
        List<Long> seeds = seeds(file, c);
        Config set = c.hasPath("set") ? object(file, c, "set") : ConfigFactory.empty();
        String reference = c.hasPath("reference-space") ? string(file, c, "reference-space") : null;
        if (reference != null && spaces.stream().noneMatch(s -> s.name().equals(reference))) {
            throw new BitSweepException(file + ": " + ROOT + ".reference-space '" + InputText.oneLine(reference)
                    + "' is not one of the spaces (allowed: " + String.join(", ", spaces.stream().map(Space::name)
                    .toList()) + ")");
        }
        return new SweepConfig(file, name, benchmarks, targets, spaces, seeds, set, reference);
    }

    /** Every cell, benchmark by benchmark (cells of one data set run one after the other), in config order. */
    public List<SweepCell> cells() {
        List<SweepCell> out = new ArrayList<>();
        for (Benchmark b : benchmarks) {
            for (String t : targets) {
                for (Space s : spaces) {
                    if (!s.targets().contains(t)) {
                        continue;
                    }
                    for (long seed : seeds) {
                        out.add(new SweepCell(b, t, s, seed, set));
                    }
                }
            }
        }
        return out;
    }

    private static List<Benchmark> benchmarks(Path file, Config c, Path dir) {
        ConfigObject all = objectValue(file, c, "benchmarks");
        if (all.isEmpty()) {
            throw new BitSweepException(file + ": " + ROOT + ".benchmarks is empty (expected e.g. benchmarks.ic.config"
                    + " = \"../search/ic-resnet8-mpic.conf\")");
        }
        List<Benchmark> out = new ArrayList<>();
        for (String name : inFileOrder(all)) {
            checkName(file, "benchmarks", name);
            String path = "benchmarks." + name;
            Config b = object(file, c, path);
            for (String key : b.root().keySet()) {
                if (!key.equals("config") && !key.equals("set")) {
                    throw new BitSweepException(file + ": " + ROOT + "." + path + "." + key + " is not a benchmark key "
                            + "(allowed: config, set)");
                }
            }
            if (!b.hasPath("config") && !b.hasPath("set")) {
                throw new BitSweepException(file + ": " + ROOT + "." + path + " needs config (a search config file, "
                        + "relative to " + dir + ") or set (search keys: model, data, ...), or both");
            }
            Path config = null;
            if (b.hasPath("config")) {
                config = dir.resolve(string(file, b, "config", path + ".config")).normalize();
                if (!Files.isRegularFile(config)) {
                    throw new BitSweepException(file + ": " + ROOT + "." + path + ".config: no such search config "
                            + "file: " + config);
                }
            }
            Config set = b.hasPath("set") ? object(file, b, "set") : ConfigFactory.empty();
            out.add(new Benchmark(name, config, set));
        }
        return out;
    }

    private static List<Space> spaces(Path file, Config c, List<String> targets) {
        ConfigObject all = objectValue(file, c, "spaces");
        if (all.isEmpty()) {
            throw new BitSweepException(file + ": " + ROOT + ".spaces is empty (expected e.g. spaces.layer-wise "
                    + "{ space.default.granularity = per-layer })");
        }
        List<Space> out = new ArrayList<>();
        for (String name : inFileOrder(all)) {
            checkName(file, "spaces", name);
            String path = "spaces." + name;
            Config s = object(file, c, path);
            List<String> only = targets;
            if (s.hasPath("targets")) {
                only = names(file, s, "targets", path + ".targets");
                for (String t : only) {
                    if (!targets.contains(t)) {
                        throw new BitSweepException(file + ": " + ROOT + "." + path + ".targets: '" + t + "' is not "
                                + "one of the sweep's targets (allowed: " + String.join(", ", targets) + ")");
                    }
                }
                s = s.withoutPath("targets");
            }
            out.add(new Space(name, s, only));
        }
        return out;
    }

    /**
     * The object's keys in the order the file lists them (a HOCON object has no order of its own, and the cells run in
     * the order the user wrote): by line, then name.
     */
    private static List<String> inFileOrder(ConfigObject object) {
        return object.keySet().stream().sorted(java.util.Comparator
                .comparingInt((String k) -> object.get(k).origin().lineNumber())
                .thenComparing(java.util.Comparator.naturalOrder())).toList();
    }

    private static List<Long> seeds(Path file, Config c) {
        if (!c.hasPath("seeds")) {
            return List.of(1L);
        }
        try {
            List<Long> seeds = c.getLongList("seeds");
            if (seeds.isEmpty() || new LinkedHashSet<>(seeds).size() < seeds.size()) {
                throw new BitSweepException(file + ": " + ROOT + ".seeds must be a non-empty list of distinct integers");
            }
            return List.copyOf(seeds);
        } catch (ConfigException.WrongType e) {
            throw new BitSweepException(file + ": " + ROOT + ".seeds must be a list of integers, e.g. [1, 2, 3]", e);
        }
    }

    private static List<String> names(Path file, Config c, String key) {
        return names(file, c, key, key);
    }

    private static List<String> names(Path file, Config c, String key, String path) {
        if (!c.hasPath(key)) {
            throw new BitSweepException(file + ": " + ROOT + "." + path + " is missing");
        }
        List<String> out;
        try {
            out = c.getStringList(key);
        } catch (ConfigException.WrongType e) {
            throw new BitSweepException(file + ": " + ROOT + "." + path + " must be a list of names, e.g. [mpic]", e);
        }
        if (out.isEmpty() || new LinkedHashSet<>(out).size() < out.size()) {
            throw new BitSweepException(file + ": " + ROOT + "." + path + " must be a non-empty list of distinct names");
        }
        out.forEach(n -> checkName(file, path, n));
        return List.copyOf(out);
    }

    /** Names become directory names: letters, digits, '-', '_' and '.', not starting with '.'. */
    private static void checkName(Path file, String where, String name) {
        if (!name.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
            throw new BitSweepException(file + ": " + ROOT + "." + where + ": " + InputText.quote(name) + " is not a "
                    + "name (allowed: letters, digits, '-', '_'; it becomes a directory name)");
        }
    }

    private static String string(Path file, Config c, String key) {
        return string(file, c, key, key);
    }

    private static String string(Path file, Config c, String key, String path) {
        try {
            return c.getString(key);
        } catch (ConfigException.WrongType e) {
            throw new BitSweepException(file + ": " + ROOT + "." + path + " must be a string", e);
        }
    }

    private static ConfigObject objectValue(Path file, Config c, String key) {
        if (!c.hasPath(key)) {
            throw new BitSweepException(file + ": " + ROOT + "." + key + " is missing");
        }
        ConfigValue v = c.getValue(key);
        if (v.valueType() != ConfigValueType.OBJECT) {
            throw new BitSweepException(file + ": " + ROOT + "." + key + " must be an object");
        }
        return (ConfigObject) v;
    }

    private static Config object(Path file, Config c, String key) {
        return objectValue(file, c, key).toConfig();
    }
}
