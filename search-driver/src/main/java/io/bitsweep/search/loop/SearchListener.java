package io.bitsweep.search.loop;

/**
 * What a running search tells its user and its recorder: progress within a generation and each generation's
 * result. The run store's recorder and the CLI's progress bar are both listeners.
 */
public interface SearchListener {
    /** The sensitivity profile starts; {@code evaluations} candidate x shard evaluations are to be done. */
    default void profileStarted(long evaluations) {}

    /** The profile is there (computed, or read back from the run store): one line saying what it took. */
    default void profileFinished(String line) {}

    /** A generation starts; {@code evaluations} candidate x shard evaluations are to be done. */
    default void generationStarted(int generation, int generations, long evaluations) {}

    /** {@code done} more candidate x shard evaluations finished. May be called from another thread (Spark's). */
    default void evaluationsDone(long done) {}

    /**
     * {@code cancelled} of the planned candidate x shard evaluations will not run: racing stopped their candidates
     * (or never scored them) before their last stage.
     */
    default void evaluationsCancelled(long cancelled) {}

    default void generationFinished(GenerationResult result) {}

    /** The search resumes after the last complete generation. */
    default void resumed(int lastCompleteGeneration) {}

    SearchListener NONE = new SearchListener() {};

    /** Both, in order: {@code first} then {@code second}. */
    static SearchListener both(SearchListener first, SearchListener second) {
        return new SearchListener() {
            @Override
            public void profileStarted(long evaluations) {
                first.profileStarted(evaluations);
                second.profileStarted(evaluations);
            }

            @Override
            public void profileFinished(String line) {
                first.profileFinished(line);
                second.profileFinished(line);
            }

            @Override
            public void generationStarted(int generation, int generations, long evaluations) {
                first.generationStarted(generation, generations, evaluations);
                second.generationStarted(generation, generations, evaluations);
            }

            @Override
            public void evaluationsDone(long done) {
                first.evaluationsDone(done);
                second.evaluationsDone(done);
            }

            @Override
            public void evaluationsCancelled(long cancelled) {
                first.evaluationsCancelled(cancelled);
                second.evaluationsCancelled(cancelled);
            }

            @Override
            public void generationFinished(GenerationResult result) {
                first.generationFinished(result);
                second.generationFinished(result);
            }

            @Override
            public void resumed(int lastCompleteGeneration) {
                first.resumed(lastCompleteGeneration);
                second.resumed(lastCompleteGeneration);
            }
        };
    }
}
