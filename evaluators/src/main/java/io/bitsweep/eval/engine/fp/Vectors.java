package io.bitsweep.eval.engine.fp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two vector widths the kernels use. They must be static final constants: the JIT only turns Vector API calls
 * into SIMD instructions when the species is a constant after inlining; with a species held in an instance field
 * every vector is boxed and the code runs some ten times slower than scalar loops. A kernel covers a channel run
 * with {@link #WIDE} vectors, then at most one {@link #NARROW} vector, then scalars.
 */
final class Vectors {
    private Vectors() {}

    /** The preferred species (16 floats with AVX-512). */
    static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED;

    /** Half of {@link #WIDE}, for channel counts like 8 that a wide vector does not fit. */
    static final VectorSpecies<Float> NARROW = WIDE.length() >= 16 ? FloatVector.SPECIES_256 : FloatVector.SPECIES_128;
}
