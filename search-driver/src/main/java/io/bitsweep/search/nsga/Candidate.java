package io.bitsweep.search.nsga;

import io.bitsweep.search.space.Genome;

/**
 * A genome with its identity: the id {@code g00007-0013} (generation, index within it) names it in every table,
 * plot and best/ file; origin and parents say how it was made.
 */
public record Candidate(String id, int generation, int index, Genome genome, String origin, String parentA,
                        String parentB) {
    public static String id(int generation, int index) {
        return String.format("g%05d-%04d", generation, index);
    }
}
