package io.bitsweep.search.exact;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Calibrator;
import io.bitsweep.eval.quant.LayerInputStatistics;
import io.bitsweep.eval.quant.QuantizedRows;
import io.bitsweep.eval.quant.WeightRows;

/**
 * What an executor JVM keeps between tasks, bounded so that a long-lived JVM (a cluster executor, a notebook's Spark
 * session running search after search) never grows without limit: least recently used entries are evicted, and an
 * evicted entry is only recomputed, never wrong.
 */
final class ExecutorCaches {
    /** Parsed models by sha256, weighed by their size: the broadcast bytes are parsed once, not once per task. */
    static final Cache<String, Model> MODELS = Caffeine.newBuilder()
            .maximumWeight(1L << 30)
            .weigher((String sha, Model m) -> (int) Math.min(Integer.MAX_VALUE, m.totalParams() * 4 + 4096))
            .build();

    /** The float model's observations of a calibration split (histograms per tensor: about 16 kB each). */
    static final Cache<String, Calibrator.Observations> CALIBRATIONS = Caffeine.newBuilder()
            .maximumSize(16)
            .build();

    /**
     * Quantized candidates (what the exact engine runs) by model, calibration, settings and genome, weighed by the
     * model's parameter count: racing scores a candidate in several stages, and each stage's task reuses the
     * quantization (per-channel clipping searches dominate a short stage) instead of redoing it.
     */
    static final Cache<String, ProgramSpec> PROGRAMS = Caffeine.newBuilder()
            .maximumWeight(heapShare(512L << 20))
            .weigher((String key, ProgramSpec p) -> (int) Math.min(Integer.MAX_VALUE,
                    p.model().totalParams() * 8 + key.length() + 4096))
            .build();

    /**
     * The float model's per-layer input statistics of a calibration split, for GPTQ rounding, bias correction and
     * hessian weight scales (a K x K second moment per layer: about 5 MB for ResNet-8).
     */
    static final Cache<String, LayerInputStatistics> INPUT_STATISTICS = Caffeine.newBuilder()
            .maximumSize(4)
            .build();

    /** A layer's quantized rows in one format, under one (model, calibration split). */
    record RowsKey(String calibration, WeightRows.Key rows) {}

    /**
     * Quantized weight rows, computed once per (model, calibration split, layer, format, methods) and looked up by
     * every later candidate; weighed by their size (all formats of ResNet-8's layers: about 1 MB per format).
     */
    static final Cache<RowsKey, QuantizedRows> ROWS = Caffeine.newBuilder()
            .maximumWeight(heapShare(256L << 20))
            .weigher((RowsKey k, QuantizedRows r) -> (int) Math.min(Integer.MAX_VALUE, r.bytes()))
            .build();

    /** What {@link #QUANTIZED_INPUTS} holds at most, in bytes. */
    static final long QUANTIZED_INPUTS_BYTES = heapShare(256L << 20);

    /**
     * A shard's samples as int8 input codes, by shard (data, evaluation order and sample ids) and input quantization:
     * every candidate and racing stage with the same input parameters runs them without decoding or quantizing again.
     */
    static final Cache<String, byte[]> QUANTIZED_INPUTS = Caffeine.newBuilder()
            .maximumWeight(QUANTIZED_INPUTS_BYTES)
            .weigher((String key, byte[] codes) -> codes.length + key.length())
            .build();

    /**
     * At most {@code cap} bytes and at most a sixteenth of this JVM's maximum heap: a small executor heap keeps room
     * for its tasks' data, the engine's buffers and, on the driver, the report (both caches are only speed; an evicted
     * entry is recomputed). With a 48 MiB heap an eighth each ran out of memory writing report.html.
     */
    private static long heapShare(long cap) {
        return Math.min(cap, Runtime.getRuntime().maxMemory() / 16);
    }

    private ExecutorCaches() {}
}
