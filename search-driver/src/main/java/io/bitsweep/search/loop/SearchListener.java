package io.bitsweep.search.loop;

/**
 * What a running search tells its user and its recorder: progress within a generation and each generation's
 * result. The run store's recorder and the CLI's progress bar are both listeners.
 */
public interface SearchListener {
    /** A generation starts; {@code evaluations} candidate x shard evaluations are to be done. */
    default void generationStarted(int generation, int generations, long evaluations) {}

    /** {@code done} more candidate x shard evaluations finished. May be called from another thread (Spark's). */
    default void evaluationsDone(long done) {}

    default void generationFinished(GenerationResult result) {}

    /** The search resumes after the last complete generation. */
    default void resumed(int lastCompleteGeneration) {}

    SearchListener NONE = new SearchListener() {};

    /** Both, in order: {@code first} then {@code second}. */
    static SearchListener both(SearchListener first, SearchListener second) {
        return new SearchListener() {
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
