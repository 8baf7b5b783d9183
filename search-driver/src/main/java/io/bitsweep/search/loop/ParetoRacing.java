package io.bitsweep.search.loop;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Pareto racing: costs are exact before inference, so only accuracy is uncertain. A candidate that breaks a cost
 * constraint is never scored. The others are scored stage by stage on growing prefixes of the evaluation order (each
 * prefix has the split's class mix). After each stage but the last, a candidate stops if, at the configured
 * confidence, its accuracy on the whole split
 * <ul>
 *   <li>is below the accuracy constraint (Wilson upper bound of its accuracy, with the finite-population correction:
 *       the split is a fixed set of which it has seen a random part), or</li>
 *   <li>is below that of an archive point, or of another candidate of the generation at the same stage, whose costs
 *       are no higher in any cost objective: the upper bound of the mean per-sample difference between the two on
 *       the samples the candidate saw (a paired comparison: quantized variants of one model agree on most samples, so
 *       the difference is far less noisy than either accuracy).</li>
 * </ul>
 * Either way the archive would reject it. Decisions depend only on the stage's tallies and the archive before the
 * generation, which are the same on any cluster and shard count, so racing keeps the search deterministic. A stopped candidate
 * keeps its estimate for breeding but never enters the archive ({@link Fitness#complete()}).
 */
public final class ParetoRacing implements CandidateScoring {
    private final PopulationEvaluator evaluator;
    private final FitnessFunction fitness;
    private final List<Objective> objectives;
    private final int[] stageEnds;
    private final double z;
    private final int evaluationSize;

    /**
     * @param stageEnds the end position of each stage, increasing, the last the evaluation split's size
     * @param z         the one-sided normal quantile of the decisions' confidence
     */
    public ParetoRacing(PopulationEvaluator evaluator, FitnessFunction fitness, List<Objective> objectives,
                        int[] stageEnds, double z) {
        this.evaluator = evaluator;
        this.fitness = fitness;
        this.objectives = List.copyOf(objectives);
        this.stageEnds = stageEnds.clone();
        this.z = z;
        this.evaluationSize = stageEnds[stageEnds.length - 1];
    }

    /** The one-sided standard normal quantile of a confidence level (0.99 gives 2.326). */
    public static double quantile(double confidence) {
        return new NormalDistribution().inverseCumulativeProbability(confidence);
    }

    /** The stage ends for fractions of a split of {@code size} samples: rounded, at least one sample per stage. */
    public static int[] stageEnds(List<Double> fractions, int size) {
        List<Integer> ends = new ArrayList<>();
        for (double f : fractions) {
            int end = (int) Math.round(f * size);
            if (end > (ends.isEmpty() ? 0 : ends.get(ends.size() - 1))) {
                ends.add(end);
            }
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Outcome score(int generation, int generations, Genome[] batch, ParetoArchive archive,
                         SearchListener listener) {
        int stages = stageEnds.length;
        long perCandidate = (long) evaluator.shardCount() * stages;
        listener.generationStarted(generation, generations, batch.length * perCandidate);
        Fitness[] out = new Fitness[batch.length];
        CostModel.Costs[] costs = new CostModel.Costs[batch.length];
        CandidateTally[] tally = new CandidateTally[batch.length];
        List<Integer> racing = new ArrayList<>();
        for (int i = 0; i < batch.length; i++) {
            costs[i] = fitness.costsBeforeInference(batch[i]);
            if (fitness.constraints().costViolation(costs[i].memoryBytes()) > 0) {
                out[i] = fitness.unscored(costs[i]);
                listener.evaluationsCancelled(perCandidate);
            } else {
                racing.add(i);
            }
        }
        long evaluations = 0;
        for (int k = 0; k < stages && !racing.isEmpty(); k++) {
            SampleRange range = new SampleRange(k == 0 ? 0 : stageEnds[k - 1], stageEnds[k]);
            Genome[] alive = racing.stream().map(i -> batch[i]).toArray(Genome[]::new);
            CandidateTally[] t = evaluator.evaluate("gen " + generation + " stage " + (k + 1) + "/" + stages, alive,
                    range, listener::evaluationsDone);
            evaluations += (long) alive.length * range.size();
            boolean last = k == stages - 1;
            List<Fitness> stage = new ArrayList<>();
            for (int j = 0; j < alive.length; j++) {
                int i = racing.get(j);
                CandidateTally merged = t[j].withCandidate(i);
                tally[i] = tally[i] == null ? merged : CandidateTally.merge(tally[i], merged);
                out[i] = fitness.of(batch[i], tally[i], k + 1, last);
                stage.add(out[i]);
            }
            // Decided after the whole stage is tallied, so that no decision depends on the order of the candidates.
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < alive.length; j++) {
                int i = racing.get(j);
                if (last || !stops(out[i], costs[i], stageEnds[k], archive, stage)) {
                    next.add(i);
                } else {
                    listener.evaluationsCancelled((long) evaluator.shardCount() * (stages - 1 - k));
                }
            }
            racing = next;
        }
        return new Outcome(out, evaluations, (long) batch.length * evaluationSize - evaluations);
    }

    /**
     * True if, at the confidence asked for, the candidate cannot end up feasible and in the archive: its accuracy is
     * below the constraint, or it is less accurate than a rival whose costs are no higher. The rivals are the archive
     * points and the other candidates of this stage. A candidate of the generation that beats it keeps it out of the
     * archive whatever happens to that candidate later: if that one stops too, something beats them both. Two
     * candidates cannot stop each other (their mean differences have opposite signs), so every chain of them keeps one.
     */
    boolean stops(Fitness f, CostModel.Costs costs, int seen, ParetoArchive archive, List<Fitness> stage) {
        if (upperBound(f.correct(), seen) < fitness.constraints().minQuality()) {
            return true;
        }
        if (!f.correctAt().known()) {
            return false;
        }
        for (Scored a : archive.points()) {
            if (beats(a.fitness(), f, costs, seen)) {
                return true;
            }
        }
        for (Fitness rival : stage) {
            if (rival != f && beats(rival, f, costs, seen)) {
                return true;
            }
        }
        return false;
    }

    /** True if {@code rival} costs no more than the candidate and is more accurate at the confidence asked for. */
    private boolean beats(Fitness rival, Fitness f, CostModel.Costs costs, int seen) {
        return rival.correctAt().known() && costsNoHigher(rival, costs) && differenceUpperBound(f, rival, seen) < 0;
    }

    /**
     * Wilson's upper bound of the accuracy on the whole split, from {@code correct} of the first {@code seen}
     * samples; the finite-population correction scales the sample size by (N - 1) / (N - n), so the bound closes on
     * the observed accuracy as the seen part approaches the whole split.
     */
    double upperBound(long correct, int seen) {
        if (seen >= evaluationSize) {
            return (double) correct / seen;
        }
        double n = seen * (evaluationSize - 1.0) / (evaluationSize - seen);
        double p = (double) correct / seen;
        double z2 = z * z;
        return Math.min(1, (p + z2 / (2 * n) + z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n));
    }

    /**
     * The upper confidence bound of (accuracy of c - accuracy of a) on the whole split, from the per-sample
     * differences on the first {@code seen} positions (normal approximation with the finite-population correction).
     * The variance is floored at 1/seen, as if one more sample disagreed, so a few identical predictions never make
     * the bound collapse to the observed difference.
     */
    double differenceUpperBound(Fitness c, Fitness a, int seen) {
        int wins = c.correctAt().onlyHere(a.correctAt(), seen);
        int losses = a.correctAt().onlyHere(c.correctAt(), seen);
        double mean = (double) (wins - losses) / seen;
        double variance = Math.max((double) (wins + losses) / seen - mean * mean, 1.0 / seen);
        double fpc = (evaluationSize - seen) / (evaluationSize - 1.0);
        return mean + z * Math.sqrt(variance / seen * fpc);
    }

    /** True if the archive point costs no more than the candidate in every cost objective of the search. */
    private boolean costsNoHigher(Fitness a, CostModel.Costs c) {
        for (Objective o : objectives) {
            boolean higher = switch (o) {
                case ACCURACY, AUC -> false;
                case WEIGHT_BITS -> a.weightBits() > c.weightBits();
                case CYCLES -> a.cycles() > c.cycles();
                case ENERGY -> a.energyPj() > c.energyPj();
            };
            if (higher) {
                return false;
            }
        }
        return true;
    }
}
