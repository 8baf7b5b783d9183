package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.space.Genome;
import java.util.List;
import java.util.Set;

/**
 * What one generation produced, immutable: its children with their fitness (in creation order), which of their
 * genomes were evaluated in this generation (the others reused an earlier fitness), the surviving population, the
 * global archive after the children joined it, its hypervolume, and the one-line summary.
 */
public record GenerationResult(int generation, List<Scored> children, Set<Genome> fresh, List<Scored> population,
                               ParetoArchive archive, double hypervolume, GenerationSummary summary) {
    public GenerationResult {
        children = List.copyOf(children);
        fresh = Set.copyOf(fresh);
        population = List.copyOf(population);
    }

    /** True if the child's genome had been evaluated before this generation. */
    public boolean reused(Scored child) {
        return !fresh.contains(child.candidate().genome());
    }
}
