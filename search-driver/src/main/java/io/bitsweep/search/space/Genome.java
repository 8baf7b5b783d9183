package io.bitsweep.search.space;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One candidate quantization: a compact, immutable array of gene values whose layout a {@link SearchSpace} defines
 * (weight genes per layer, then an activation gene). Equal genes mean an equal candidate, which lets the search
 * skip evaluating a genome twice.
 */
public final class Genome {
    private final byte[] genes;
    private final int hash;

    private Genome(byte[] genes) {
        this.genes = genes;
        this.hash = Arrays.hashCode(genes);
    }

    public static Genome of(byte[] genes) {
        return new Genome(genes.clone());
    }

    /** Takes ownership of {@code genes}: for builders (space, operators) that never touch the array again. */
    public static Genome wrap(byte[] genes) {
        return new Genome(genes);
    }

    public int length() {
        return genes.length;
    }

    public int gene(int i) {
        return genes[i];
    }

    /** A copy of the genes, e.g. to derive a child. */
    public byte[] toBytes() {
        return genes.clone();
    }

    /** The genes in hex, a stable text form for logs and provenance. */
    public String hex() {
        return HexFormat.of().formatHex(genes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genome g && Arrays.equals(genes, g.genes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Genome[" + hex() + "]";
    }
}
