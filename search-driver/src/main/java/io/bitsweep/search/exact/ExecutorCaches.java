package io.bitsweep.search.exact;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Calibrator;

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

    private ExecutorCaches() {}
}
