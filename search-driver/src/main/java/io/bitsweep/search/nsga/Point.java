package io.bitsweep.search.nsga;

import org.uma.jmetal.solution.AbstractSolution;
import org.uma.jmetal.solution.Solution;

/**
 * A scored candidate as jMetal sees it: objectives (normalised, minimised) and one constraint (jMetal's convention:
 * negative means violated). It carries no variables: the genome stays with the {@link Scored} it wraps.
 */
final class Point extends AbstractSolution<Integer> {
    final Scored scored;

    Point(Scored scored, double[] normalisedObjectives) {
        super(0, normalisedObjectives.length, 1);
        this.scored = scored;
        for (int i = 0; i < normalisedObjectives.length; i++) {
            objectives()[i] = normalisedObjectives[i];
        }
        constraints()[0] = -scored.fitness().violation();
    }

    @Override
    public Solution<Integer> copy() {
        return new Point(scored, objectives().clone());
    }

    // Identity, not value, semantics: two candidates with equal objectives are still two points.
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
