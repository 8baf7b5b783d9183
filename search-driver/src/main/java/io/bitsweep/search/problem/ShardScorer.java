package io.bitsweep.search.problem;

import io.bitsweep.search.space.Genome;
import java.io.Serializable;

/**
 * The executor side of a search problem: reads one dataset shard and scores a whole population on it. It travels
 * with the task closure (Java serialization), so it holds only small settings (paths, splits, metric); the model
 * arrives as a broadcast, once per run.
 *
 * <p>Shard {@code i} of {@code n} holds the i-th of n runs of the evaluation ids in storage order
 * ({@link io.bitsweep.search.splits.SampleSplits#shardPositions}), so it is read from the files of its run alone;
 * the evaluation order is a seeded draw, so every stage of a race (a range of positions) is spread over all shards.
 *
 * @param <S> the loaded shard; it is cached in memory on the executors for the whole run
 */
public interface ShardScorer<S> extends Serializable {
    /** Reads shard {@code shard} of {@code shardCount} of the evaluation split. Runs on an executor. */
    S loadShard(int shard, int shardCount);

    /**
     * Scores every candidate on the shard's samples whose evaluation position is in {@code positions}: element i of
     * the result is the tally of {@code population[i]}. Quantized weights are built once per candidate per call (one
     * call per task) and reused over the shard.
     *
     * @param candidateDone to be run after each candidate, so the driver's progress bar moves within a task
     */
    CandidateTally[] score(byte[] model, S shard, Genome[] population, SampleRange positions, Runnable candidateDone);

    /**
     * What the loaded shards depend on (data and evaluation order): two scorers with the same key load the same
     * shards for the same shard count, so the searches of one application (a sweep) may share them. Null: never
     * shared.
     */
    default String shardSetKey() {
        return null;
    }
}
