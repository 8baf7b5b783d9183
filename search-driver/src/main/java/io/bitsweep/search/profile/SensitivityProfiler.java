package io.bitsweep.search.profile;

import io.bitsweep.search.loop.PopulationEvaluator;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sensitivity profile as one evaluation of a population of probes (one Spark job with the Spark evaluator): the
 * baseline genome (every gene at its first format) and, for every layer and every other format it allows, the
 * baseline with that layer's weights, or its activations, at that format. That is 1 + sum over layers of (weight
 * formats - 1) + (activation formats - 1) candidates, scored on the first {@code samples} positions of the
 * evaluation order (a stratified subsample). The per-channel error energies come from the problem, without
 * inference.
 */
public final class SensitivityProfiler {
    private SensitivityProfiler() {}

    /** The probes, baseline first, then per layer its weight formats, then its activation formats. */
    public static List<Genome> probes(SearchSpace space) {
        List<Genome> out = new ArrayList<>();
        byte[] base = new byte[space.genomeLength()];
        out.add(Genome.of(base));
        for (LayerSpace ls : space.layers()) {
            for (int f = 1; f < ls.weights().size(); f++) {
                byte[] g = base.clone();
                Arrays.fill(g, ls.weightOffset(), ls.weightOffset() + ls.weightGenes(), (byte) f);
                out.add(Genome.wrap(g));
            }
            for (int a = 1; a < ls.activations().size(); a++) {
                byte[] g = base.clone();
                g[ls.activationGene()] = (byte) a;
                out.add(Genome.wrap(g));
            }
        }
        return out;
    }

    /**
     * Scores the probes and builds the profile.
     *
     * @param samples positions [0, samples) of the evaluation order, or -1 for all
     */
    public static SensitivityProfile run(SearchSpace space, SearchProblem problem, PopulationEvaluator evaluator,
                                         int samples, SearchListener listener) {
        int n = samples < 0 ? problem.splits().evaluationSize() : Math.min(samples, problem.splits().evaluationSize());
        Genome[] probes = probes(space).toArray(Genome[]::new);
        listener.profileStarted((long) probes.length * evaluator.shardCount());
        CandidateTally[] t = evaluator.evaluate("profile", probes, new SampleRange(0, n), listener::evaluationsDone);
        SensitivityProfile.Measured base = measured(problem, t[0]);
        SensitivityProfile.Measured[][] weights = new SensitivityProfile.Measured[space.layers().size()][];
        SensitivityProfile.Measured[][] acts = new SensitivityProfile.Measured[space.layers().size()][];
        int next = 1;
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            weights[l] = new SensitivityProfile.Measured[ls.weights().size()];
            acts[l] = new SensitivityProfile.Measured[ls.activations().size()];
            weights[l][0] = base;
            acts[l][0] = base;
            for (int f = 1; f < weights[l].length; f++) {
                weights[l][f] = measured(problem, t[next++]);
            }
            for (int a = 1; a < acts[l].length; a++) {
                acts[l][a] = measured(problem, t[next++]);
            }
        }
        return new SensitivityProfile(base, weights, acts, problem.channelErrorEnergy(space).orElse(null));
    }

    private static SensitivityProfile.Measured measured(SearchProblem problem, CandidateTally t) {
        return new SensitivityProfile.Measured(t.samples(), problem.quality(t),
                t.samples() == 0 ? 0 : t.lossSum() / t.samples());
    }
}
