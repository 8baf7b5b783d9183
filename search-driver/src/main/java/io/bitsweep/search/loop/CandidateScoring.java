package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.space.Genome;

/**
 * How a generation's new genomes get their fitness: every one on every evaluation sample ({@link ExhaustiveScoring}),
 * or in a race over growing prefixes of the evaluation order ({@link ParetoRacing}). Implementations decide only from
 * (genomes, archive, tallies), never from timing, so every runner and shard count gives the same fitness.
 */
public interface CandidateScoring {
    /** The fitness of each genome (in batch order) and how many sample evaluations it took. */
    record Outcome(Fitness[] fitness, long sampleEvaluations, long sampleEvaluationsSaved) {}

    /**
     * @param archive  the archive before this generation (racing compares against it)
     * @param listener told of planned, done and cancelled candidate x shard evaluations
     */
    Outcome score(int generation, int generations, Genome[] batch, ParetoArchive archive, SearchListener listener);
}
