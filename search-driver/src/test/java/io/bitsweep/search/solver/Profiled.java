package io.bitsweep.search.solver;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.search.SyntheticProblem;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.LocalPopulationEvaluator;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.profile.SensitivityProfiler;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import java.util.List;
import java.util.Optional;

/** The synthetic problem with its settings and a profile measured by the real profiler on the local evaluator. */
record Profiled(SearchSettings settings, SearchProblem problem, LocalPopulationEvaluator<?> evaluator,
              SensitivityProfile profile) implements AutoCloseable {
    static Profiled synthetic(String... sets) {
        SearchSettings s = settings(sets);
        SearchProblem problem = new SyntheticProblem.Factory().open(s, Optional.empty());
        LocalPopulationEvaluator<?> evaluator = new LocalPopulationEvaluator<>(problem.scorer(problem.space()),
                problem.modelBytes(), 2);
        return new Profiled(s, problem, evaluator, SensitivityProfiler.run(problem.space(), problem, evaluator,
                -1, SearchListener.NONE));
    }

    /** The synthetic problem's settings with these overrides. */
    static SearchSettings settings(String... sets) {
        return SearchConfigLoader.load(ConfigFactory.parseResources("synthetic.conf"), List.of(sets), null);
    }

    @Override
    public void close() {
        evaluator.close();
        problem.close();
    }
}
