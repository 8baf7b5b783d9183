package io.bitsweep.search.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;

/**
 * Loaded shard RDDs kept across the searches of one Spark application (a sweep's cells): a search whose shards are
 * those of an earlier one (the same data, evaluation order and shard count, as its scorer's
 * {@link io.bitsweep.search.problem.ShardScorer#shardSetKey} says) scores on the cached partitions instead of reading
 * and caching them again. The owner unpersists them all when it closes; a search alone owns its own RDD instead.
 * Not thread-safe: the searches of a sweep run one after the other.
 */
public final class SharedShards implements AutoCloseable {
    private final Map<String, JavaRDD<?>> loaded = new LinkedHashMap<>();

    /** The RDD under {@code key} and {@code shardCount}, loaded by {@code load} the first time. */
    @SuppressWarnings("unchecked")
    <S> JavaRDD<S> get(String key, int shardCount, Supplier<JavaRDD<S>> load) {
        return (JavaRDD<S>) loaded.computeIfAbsent(key + "#" + shardCount, k -> load.get());
    }

    /** How many shard sets are held (for tests and the log). */
    public int size() {
        return loaded.size();
    }

    @Override
    public void close() {
        loaded.values().forEach(rdd -> rdd.unpersist(false));
        loaded.clear();
    }
}
