package io.bitsweep.search.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a search config file: the file, then {@code --set} overrides and {@code --seed} on top, reference.conf
 * below, environment variables for substitutions such as {@code ${BITSWEEP_ASSETS}}. Keys under bitsweep.search that
 * reference.conf does not list are errors naming the HOCON path, so a typo never silently takes a default.
 */
public final class SearchConfigLoader {
    /** A HOCON path under bitsweep.search, as SearchSettings' messages start. */
    private static final Pattern HOCON_PATH = Pattern.compile(Pattern.quote(SearchSettings.ROOT) + "(\\.[A-Za-z0-9_-]+)*");

    private SearchConfigLoader() {}

    /**
     * @param file    the config file (HOCON)
     * @param sets    {@code key=value} overrides; keys are HOCON paths, relative to bitsweep.search unless they start
     *                with "bitsweep."
     * @param seed    replaces bitsweep.search.seed if not null
     */
    public static SearchSettings load(Path file, List<String> sets, Long seed) {
        if (!Files.isRegularFile(file)) {
            throw new BitSweepException("no such config file: " + file);
        }
        Config fileConfig;
        try {
            fileConfig = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new BitSweepException(file + ": " + InputText.oneLine(e.getMessage()), e);
        }
        return load(fileConfig, sets, seed, file.toString());
    }

    /** As {@link #load(Path, List, Long)} for an already parsed (unresolved) config; tests use it. */
    public static SearchSettings load(Config fileConfig, List<String> sets, Long seed) {
        return load(fileConfig, sets, seed, "the config");
    }

    /** {@code source} names the config in an error that has no value to point at. */
    private static SearchSettings load(Config fileConfig, List<String> sets, Long seed, String source) {
        Config reference = reference();
        Config user = fileConfig;
        for (String set : sets) {
            user = override(set).withFallback(user);
        }
        if (seed != null) {
            user = ConfigFactory.parseMap(Map.of(SearchSettings.ROOT + ".seed", seed)).withFallback(user);
        }
        Config resolved;
        try {
            resolved = user.withFallback(reference).resolveWith(ConfigFactory.systemEnvironment()
                    .withFallback(ConfigFactory.systemProperties()));
        } catch (ConfigException.BugOrBroken e) {
            // Typesafe Config's own failure on some merges it cannot do (found by fuzzing: `offset += 0`, an append
            // to a number); its message dumps the whole resolve source, environment variables included.
            throw new BitSweepException(source + ": cannot resolve the config: a substitution or '+=' does not fit "
                    + "the value it refers to", e);
        } catch (ConfigException e) {
            throw new BitSweepException(InputText.oneLine(e.getMessage()), e);
        }
        rejectUnknownKeys(resolved, reference);
        try {
            return SearchSettings.from(resolved);
        } catch (BitSweepException e) {
            throw withOrigin(e, resolved);
        }
    }

    /** The defaults: every reference.conf on the class path, resolved. */
    public static Config reference() {
        return ConfigFactory.parseResources(SearchConfigLoader.class.getClassLoader(), "reference.conf").resolve();
    }

    private static Config override(String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new BitSweepException("bad --set '" + set + "': expected key=value, e.g. --set population=32");
        }
        String key = set.substring(0, eq).trim();
        String fullKey = key.startsWith("bitsweep.") ? key : SearchSettings.ROOT + "." + key;
        try {
            return ConfigFactory.parseString(quoteKey(fullKey) + " = " + set.substring(eq + 1),
                    ConfigParseOptions.defaults().setOriginDescription("--set " + set));
        } catch (ConfigException e) {
            throw new BitSweepException("bad --set " + InputText.quote(set) + ": " + InputText.oneLine(e.getMessage()), e);
        }
    }

    /** A HOCON path as a key: each element quoted, so "a.b-c" stays a path and odd characters cannot inject syntax. */
    private static String quoteKey(String path) {
        StringBuilder sb = new StringBuilder();
        for (String part : path.split("\\.", -1)) {
            if (part.isEmpty() || !part.matches("[A-Za-z0-9_-]+")) {
                throw new BitSweepException("bad --set key '" + path + "': expected a HOCON path such as "
                        + "constraints.max-accuracy-drop");
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append('"').append(part).append('"');
        }
        return sb.toString();
    }

    private static void rejectUnknownKeys(Config resolved, Config reference) {
        Config search = resolved.getConfig(SearchSettings.ROOT);
        Config allowed = reference.getConfig(SearchSettings.ROOT);
        for (Map.Entry<String, ConfigValue> e : search.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("space.layers")) {
                continue; // a list of rules: SearchSettings checks each rule's keys
            }
            if (!allowed.hasPathOrNull(key)) {
                throw new BitSweepException(where(e.getValue()) + SearchSettings.ROOT + "." + key
                        + ": unknown key (see reference.conf for the keys a search config may set)");
            }
            ConfigValueType want = allowed.getValue(key).valueType();
            ConfigValueType got = e.getValue().valueType();
            if (want == ConfigValueType.LIST && got != ConfigValueType.LIST) {
                throw new BitSweepException(where(e.getValue()) + SearchSettings.ROOT + "." + key
                        + ": expected a list, got " + got.name().toLowerCase());
            }
        }
    }

    /**
     * SearchSettings' error about a bad value, preceded by the config file and line that set it, as unknown keys are:
     * its message starts with the value's HOCON path, or a path above it.
     */
    private static BitSweepException withOrigin(BitSweepException e, Config resolved) {
        Matcher m = HOCON_PATH.matcher(e.getMessage());
        if (!m.lookingAt()) {
            return e;
        }
        String path = m.group();
        while (!resolved.hasPath(path) && path.lastIndexOf('.') > 0) {
            path = path.substring(0, path.lastIndexOf('.'));
        }
        String where = resolved.hasPath(path) ? where(resolved.getValue(path)) : "";
        // Only a file is worth naming: a --set is found by its key, and a config parsed from a string (tests,
        // notebooks) has no file ("String: 1" would say nothing).
        boolean file = !where.isEmpty() && !where.startsWith("--set ") && !where.startsWith("String");
        return file ? new BitSweepException(where + e.getMessage(), e) : e;
    }

    /**
     * "file: line: " of a value set outside reference.conf, else "". An object merged from the user's file and
     * reference.conf (splits.calibration with only count set) is named by its part outside reference.conf.
     */
    private static String where(ConfigValue v) {
        String d = v.origin().description();
        if (d == null) {
            return "";
        }
        for (String part : d.replaceFirst("^merge of ", "").split(",")) {
            if (!part.contains("reference.conf") && !part.isBlank()) {
                return InputText.oneLine(part.strip()) + ": ";
            }
        }
        return "";
    }
}
