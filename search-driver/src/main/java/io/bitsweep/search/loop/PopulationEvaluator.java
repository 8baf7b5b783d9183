package io.bitsweep.search.loop;

import io.bitsweep.search.problem.CandidateTally;
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
     * @param evaluationsDone told how many candidate x shard evaluations have finished, as they finish
     * @return the merged tally of each candidate, in population order
     */
    CandidateTally[] evaluate(int generation, Genome[] population, LongConsumer evaluationsDone);

    @Override
    void close();
}
