package io.bitsweep.search.store;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.loop.LoopState;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds the generation loop's state from a run store, after its last complete generation: every fitness so far,
 * the surviving population, the archive and the hypervolume of each generation. Only generations with a _COMPLETE
 * marker are read.
 */
public final class RunRestorer {
    private RunRestorer() {}

    /** @param objectives the search's objectives, which make a stored row's fitness into an objective vector */
    public static LoopState restore(RunStore store, int last, SearchSpace space, Fronts fronts,
                                    List<Objective> objectives) {
        Map<Genome, Fitness> evaluated = new LinkedHashMap<>();
        List<Double> hypervolumes = new ArrayList<>();
        for (int g = 0; g <= last; g++) {
            for (ScoredTable.Row r : store.readTable(g, "evaluations")) {
                evaluated.putIfAbsent(space.check(r.candidate().genome()), r.fitness());
            }
            hypervolumes.add(fronts.hypervolume(rows(store.readTable(g, "archive"), objectives)));
        }
        return new LoopState(last + 1, evaluated, rows(store.readTable(last, "population"), objectives),
                new ParetoArchive(rows(store.readTable(last, "archive"), objectives)), hypervolumes);
    }

    private static List<Scored> rows(List<ScoredTable.Row> rows, List<Objective> objectives) {
        return rows.stream().map(r -> Scored.of(r.candidate(), r.fitness(), objectives)).toList();
    }
}
