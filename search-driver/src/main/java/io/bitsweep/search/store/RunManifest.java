package io.bitsweep.search.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.provenance.BuildInfo;
import io.bitsweep.search.provenance.Provenance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * run.json: the provenance of a run (resolved config, seed, versions, SHA-256 of model and data), and the check that
 * a resumed run is the same search: same config and same model and data.
 */
public final class RunManifest {
    public static final String SCHEMA = "bitsweep.run/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunManifest() {}

    /**
     * A new run's run.json: a fresh run id, the resolved config and its SHA-256, the seed, model and data SHA-256,
     * and the versions of the process that created it.
     */
    public static String create(SearchSettings settings, String modelSha256, String dataSha256, String sparkVersion) {
        try {
            String config = settings.config().root().render(ConfigRenderOptions.concise());
            ObjectNode root = JSON.createObjectNode();
            root.put("schema", SCHEMA);
            root.put("run_id", UUID.randomUUID().toString());
            root.put("created", Instant.now().toString());
            root.put("seed", settings.seed());
            root.put("config_sha256", sha256(config));
            ObjectNode versions = root.putObject("versions");
            versions.put("bitsweep", BuildInfo.version());
            versions.put("code", BuildInfo.codeVersion());
            versions.put("spark", sparkVersion);
            versions.put("java", System.getProperty("java.version"));
            ObjectNode sha = root.putObject("sha256");
            sha.put("model", modelSha256);
            sha.put("data", dataSha256);
            root.set("config", JSON.readTree(config));
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The provenance of what this process writes into a run: the run's identity from its run.json (a run made before
     * run ids existed is named by its location, and its config hash is computed from the config it records), and the
     * versions of this process.
     */
    public static Provenance provenance(String runJson, String location, String sparkVersion) {
        JsonNode run;
        try {
            run = JSON.readTree(runJson);
        } catch (IOException e) {
            throw new BitSweepException(location + "/run.json: not valid JSON (" + e.getMessage() + ")", e);
        }
        String runId = run.path("run_id").asText(location);
        String configSha = run.has("config_sha256") ? run.get("config_sha256").asText()
                : sha256(ConfigFactory.parseString(run.path("config").toString()).root()
                        .render(ConfigRenderOptions.concise()));
        return new Provenance(runId, configSha, run.path("seed").asLong(), run.path("sha256").path("model").asText(),
                run.path("sha256").path("data").asText(), BuildInfo.version(), BuildInfo.codeVersion(),
                System.getProperty("java.version"), sparkVersion);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    /**
     * The keys a resumed run may change: how many generations to run (it only says where the loop stops: no
     * generation's candidates depend on it, so a finished run can be extended with {@code --set generations=N}),
     * and where and how candidates are scored (Spark or the local loop, the engine's kernels and batch size give
     * the same archive).
     */
    static final Set<String> CHANGEABLE_ON_RESUME = Set.of(SearchSettings.ROOT + ".generations",
            SearchSettings.ROOT + ".runner", SearchSettings.ROOT + ".engine.kernels",
            SearchSettings.ROOT + ".engine.batch-size");

    /**
     * Refuses to resume {@code stored} (the existing run.json) with different settings or inputs, naming every key
     * that differs.
     */
    public static void checkResumable(String stored, String location, SearchSettings settings, String modelSha256,
                                      String dataSha256) {
        JsonNode old;
        try {
            old = JSON.readTree(stored);
        } catch (IOException e) {
            throw new BitSweepException(location + "/run.json: not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!SCHEMA.equals(old.path("schema").asText())) {
            throw new BitSweepException(location + "/run.json: not a BitSweep run (schema '"
                    + old.path("schema").asText() + "', expected " + SCHEMA + ")");
        }
        Map<String, String> before = flatten(old.path("config").toString());
        Map<String, String> now = flatten(settings.config().root().render(ConfigRenderOptions.concise()));
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(now.keySet());
        Map<String, String> defaults = referenceDefaults();
        List<String> differ = new ArrayList<>();
        for (String k : keys) {
            if (CHANGEABLE_ON_RESUME.contains(k)) {
                continue;
            }
            if (!before.containsKey(k) && now.get(k).equals(defaults.get(k))) {
                continue; // a key added to reference.conf after the run was created, at its default: same search
            }
            if (!String.valueOf(before.get(k)).equals(String.valueOf(now.get(k)))) {
                differ.add(k + " (was " + before.get(k) + ", now " + now.get(k) + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new BitSweepException("cannot resume " + location + ": the config differs in " + String.join("; ", differ));
        }
        checkSha(old, "model", modelSha256, location);
        checkSha(old, "data", dataSha256, location);
    }

    /** reference.conf's values, flattened like {@link #flatten}. */
    private static Map<String, String> referenceDefaults() {
        return flatten(SearchConfigLoader.reference().root().render(ConfigRenderOptions.concise()));
    }

    private static void checkSha(JsonNode old, String what, String now, String location) {
        String before = old.path("sha256").path(what).asText();
        if (!before.equals(now)) {
            throw new BitSweepException("cannot resume " + location + ": the " + what + " changed (sha256 was "
                    + before + ", now " + now + ")");
        }
    }

    private static Map<String, String> flatten(String json) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : ConfigFactory.parseString(json).entrySet()) {
            out.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
        }
        return out;
    }
}
