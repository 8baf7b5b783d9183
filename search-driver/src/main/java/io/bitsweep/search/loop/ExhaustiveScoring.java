package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.space.Genome;

/** Every candidate on every evaluation sample, in one evaluation per generation ({@code racing = off}). */
public final class ExhaustiveScoring implements CandidateScoring {
    private final PopulationEvaluator evaluator;
    private final FitnessFunction fitness;
    private final int evaluationSize;

    public ExhaustiveScoring(PopulationEvaluator evaluator, FitnessFunction fitness, int evaluationSize) {
        this.evaluator = evaluator;
        this.fitness = fitness;
        this.evaluationSize = evaluationSize;
    }

    @Override
    public Outcome score(int generation, int generations, Genome[] batch, ParetoArchive archive,
                         SearchListener listener) {
        listener.generationStarted(generation, generations, (long) batch.length * evaluator.shardCount());
        Fitness[] out = new Fitness[batch.length];
        if (batch.length > 0) {
            CandidateTally[] tallies = evaluator.evaluate("gen " + generation, batch,
                    SampleRange.all(evaluationSize), listener::evaluationsDone);
            for (int i = 0; i < batch.length; i++) {
                out[i] = fitness.of(batch[i], tallies[i]);
            }
        }
        return new Outcome(out, (long) batch.length * evaluationSize, 0);
    }
}
