package io.bitsweep.search.nsga;

/** A candidate with its evaluation and its minimised objective vector (in settings order). */
public record Scored(Candidate candidate, Evaluation evaluation, double[] objectives) {
    public String id() {
        return candidate.id();
    }
}
