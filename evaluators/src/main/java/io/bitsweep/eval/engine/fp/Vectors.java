package io.bitsweep.eval.engine.fp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Choice of vector width for a channel count: the widest species that fits, so narrow layers still vectorize. */
final class Vectors {
    private Vectors() {}

    /** The widest float species (up to the preferred one) with at most {@code channels} lanes; null if none fits. */
    static VectorSpecies<Float> speciesFor(int channels) {
        int max = FloatVector.SPECIES_PREFERRED.length();
        for (VectorSpecies<Float> s : java.util.List.of(FloatVector.SPECIES_512, FloatVector.SPECIES_256,
                FloatVector.SPECIES_128)) {
            if (s.length() <= max && s.length() <= channels) {
                return s;
            }
        }
        return null;
    }
}
