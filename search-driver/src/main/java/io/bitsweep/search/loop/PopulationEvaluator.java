package io.bitsweep.search.loop;

import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.space.Genome;
import java.util.function.LongConsumer;

/**
 * Scores a whole population on the evaluation split, in one batch: one Spark job ({@code SparkPopulationEvaluator})
 * or a plain loop in this JVM ({@link LocalPopulationEvaluator}). Merged tallies are exact sums, so every evaluator
 * gives the same tallies for the same population.
 */
public interface PopulationEvaluator extends AutoCloseable {
    int shardCount();

    /**
     * @param job             what this evaluation is, for logs and Spark's UI: "gen 3", "gen 3 stage 2/4", "profile"
     * @param positions       the positions of the evaluation order to score (all of them, a racing stage, ...)
     * @param evaluationsDone told how many candidate x shard evaluations have finished, as they finish
     * @return the merged tally of each candidate, in population order
     */
    CandidateTally[] evaluate(String job, Genome[] population, SampleRange positions, LongConsumer evaluationsDone);

    @Override
    void close();
}
