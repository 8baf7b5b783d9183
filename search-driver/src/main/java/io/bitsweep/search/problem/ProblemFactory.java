package io.bitsweep.search.problem;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.splits.SampleSplits;
import java.util.Optional;

/**
 * Opens the {@link SearchProblem} a config describes. Implementations are found with {@link java.util.ServiceLoader}
 * and chosen by the config's {@code bitsweep.search.evaluator}, so evaluators plug in without the loop changing.
 */
public interface ProblemFactory {
    /** The name {@code bitsweep.search.evaluator} selects. */
    String name();

    /** The name of the Kryo registrator class the problem's types need, or null. Runs on executors by name. */
    default String kryoRegistrator() {
        return null;
    }

    /**
     * @param storedSplits the splits a resumed run recorded (splits.json), to be used as they are; empty: select them
     *                     from the settings
     */
    SearchProblem open(SearchSettings settings, Optional<SampleSplits> storedSplits);
}
