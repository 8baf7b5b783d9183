package io.bitsweep.search.provenance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a result comes from, as Tribuo records it on every model: the run, the config and seed that define the
 * search, the model and data it read, and the code and runtimes that computed it. Every best/&lt;id&gt;.json and every
 * Parquet table of a run carries it.
 *
 * @param configSha256 SHA-256 of the run's resolved search config as run.json records it
 * @param codeVersion  the git commit the code was built from ({@link BuildInfo#codeVersion()})
 * @param sparkVersion the Spark version that ran the search, or "none" for the local runner
 */
public record Provenance(String runId, String configSha256, long seed, String modelSha256, String dataSha256,
                         String bitsweepVersion, String codeVersion, String javaVersion, String sparkVersion) {

    /** The fields by their file names, in a stable order. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        m.put("config_sha256", configSha256);
        m.put("seed", seed);
        m.put("model_sha256", modelSha256);
        m.put("data_sha256", dataSha256);
        m.put("bitsweep_version", bitsweepVersion);
        m.put("code_version", codeVersion);
        m.put("java_version", javaVersion);
        m.put("spark_version", sparkVersion);
        return m;
    }

    /** The same as Parquet key-value metadata: every key prefixed with "bitsweep.". */
    public Map<String, String> parquetMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        fields().forEach((k, v) -> m.put("bitsweep." + k, String.valueOf(v)));
        return m;
    }
}
