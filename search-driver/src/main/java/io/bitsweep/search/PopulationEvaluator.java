package io.bitsweep.search;

import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.space.Genome;
import java.util.function.LongConsumer;

/** Scores a whole population on the evaluation split, in one batch (one Spark job). */
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
