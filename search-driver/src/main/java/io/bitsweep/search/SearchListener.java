package io.bitsweep.search;

/** What a running search tells its user: progress within a generation and a summary after each. */
public interface SearchListener {
    /** A generation starts; {@code evaluations} candidate x shard evaluations are to be done. */
    default void generationStarted(int generation, int generations, long evaluations) {}

    /** {@code done} more candidate x shard evaluations finished. Called from Spark's listener thread. */
    default void evaluationsDone(long done) {}

    default void generationFinished(GenerationSummary summary) {}

    /** The search resumes after the last complete generation. */
    default void resumed(int lastCompleteGeneration) {}

    SearchListener NONE = new SearchListener() {};
}
