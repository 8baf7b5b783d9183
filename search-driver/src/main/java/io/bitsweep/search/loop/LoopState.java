package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.space.Genome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the generation loop stands: the next generation to run, every genome evaluated so far (a child equal to one
 * of them reuses its fitness), the surviving population, the global archive and the hypervolume after each
 * generation. A new search starts from {@link #initial()}; a resumed one from what the run store holds.
 */
public record LoopState(int nextGeneration, Map<Genome, Fitness> evaluated, List<Scored> population,
                        ParetoArchive archive, List<Double> hypervolumes) {
    public LoopState {
        evaluated = Collections.unmodifiableMap(new LinkedHashMap<>(evaluated));
        population = List.copyOf(population);
        hypervolumes = List.copyOf(hypervolumes);
    }

    public static LoopState initial() {
        return new LoopState(0, Map.of(), List.of(), ParetoArchive.empty(), List.of());
    }
}
