package io.bitsweep.search.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.search.SyntheticProblem;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.LocalPopulationEvaluator;
import io.bitsweep.search.operators.InitialPopulation;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.profile.SensitivityProfiler;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The solver on the synthetic problem, with a profile measured by the real profiler on the local evaluator: every
 * seed keeps its memory budget exactly (memory is additive), seeds are distinct, and the same inputs give the same
 * seeds.
 */
class SolverSeedsTest {
    static final Pattern ORIGIN = Pattern.compile("solver:memory=([0-9.]+),cycles=([0-9.]+)");

    @Test
    void seedsKeepTheirMemoryBudgetAreDistinctAndDeterministic() {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseResources("synthetic.conf"), List.of(), null);
        try (SearchProblem problem = new SyntheticProblem.Factory().open(s, Optional.empty());
             LocalPopulationEvaluator<?> evaluator = new LocalPopulationEvaluator<>(problem.scorer(problem.space()),
                     problem.modelBytes(), 2)) {
            SensitivityProfile profile = SensitivityProfiler.run(problem.space(), problem, evaluator, -1,
                    SearchListener.NONE);
            CostModel costs = problem.costModel(problem.space());
            List<InitialPopulation.Seeded> seeds = SolverSeeds.solve(problem.space(), profile, costs, s);
            assertTrue(seeds.size() >= 4, seeds.size() + " seeds");
            assertEquals(seeds.size(), new HashSet<>(seeds.stream().map(InitialPopulation.Seeded::genome).toList())
                    .size());
            double baseBits = costs.costs(Genome.of(new byte[problem.space().genomeLength()]), new long[0])
                    .weightBits();
            for (InitialPopulation.Seeded seed : seeds) {
                Matcher m = ORIGIN.matcher(seed.origin());
                assertTrue(m.matches(), seed.origin());
                double bits = costs.costs(seed.genome(), new long[0]).weightBits();
                assertTrue(bits <= Double.parseDouble(m.group(1)) * baseBits + 1e-6,
                        seed.origin() + ": " + bits + " bits of " + baseBits);
            }
            assertEquals(seeds, SolverSeeds.solve(problem.space(), profile, costs, s), "deterministic");
        }
    }

    @Test
    void budgetsAreTriedMiddleFirstSoThatAnyPrefixSpansTheSweep() {
        assertEquals(List.of(0.5, 0.3, 0.7, 0.2, 0.4, 0.6, 0.8),
                SolverSeeds.spreadOrder(List.of(0.8, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)));
    }
}
