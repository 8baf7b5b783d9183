package io.bitsweep.search.nsga;

import io.bitsweep.search.config.Objective;
import java.util.List;

/** A candidate with its fitness and its minimised objective vector (in settings order). */
public record Scored(Candidate candidate, Fitness fitness, double[] objectives) {
    /** The candidate with the objective vector of {@code objectives} ({@link ObjectiveVector}). */
    public static Scored of(Candidate candidate, Fitness fitness, List<Objective> objectives) {
        return new Scored(candidate, fitness, ObjectiveVector.of(objectives, fitness));
    }

    public String id() {
        return candidate.id();
    }
}
