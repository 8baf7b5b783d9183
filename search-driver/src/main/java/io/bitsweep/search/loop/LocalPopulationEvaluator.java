package io.bitsweep.search.loop;

import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Scores populations in this JVM, without Spark: the shards are loaded once (on first use) and kept, and each
 * population is scored shard by shard with the same {@link ShardScorer} the executors run; tallies are merged in
 * shard order. {@link CandidateTally#merge} is exact and order-free, so the result equals a Spark job's.
 */
public final class LocalPopulationEvaluator<S> implements PopulationEvaluator {
    private final ShardScorer<S> scorer;
    private final byte[] model;
    private final int shardCount;
    private List<S> shards;

    public LocalPopulationEvaluator(ShardScorer<S> scorer, byte[] modelBytes, int shardCount) {
        this.scorer = scorer;
        this.model = modelBytes.clone();
        this.shardCount = shardCount;
    }

    @Override
    public int shardCount() {
        return shardCount;
    }

    @Override
    public CandidateTally[] evaluate(String job, Genome[] population, SampleRange positions,
                                     LongConsumer evaluationsDone) {
        if (shards == null) {
            shards = new ArrayList<>(shardCount);
            for (int i = 0; i < shardCount; i++) {
                shards.add(scorer.loadShard(i, shardCount));
            }
        }
        CandidateTally[] merged = null;
        for (S shard : shards) {
            CandidateTally[] t = scorer.score(model, shard, population, positions,
                    () -> evaluationsDone.accept(1));
            if (merged == null) {
                merged = t;
            } else {
                for (int i = 0; i < merged.length; i++) {
                    merged[i] = CandidateTally.merge(merged[i], t[i]);
                }
            }
        }
        return merged;
    }

    @Override
    public void close() {
        shards = null;
    }
}
