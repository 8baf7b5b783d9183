package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.CorrectPositions;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.space.Genome;
import java.util.Arrays;
import java.util.List;

/**
 * A candidate's merged tally made into its fitness: the problem's quality metric, the cost model's weight memory,
 * cycles and energy (with the activation statistics the tally gathered), and the constraint violation.
 */
public final class FitnessFunction {
    private final SearchProblem problem;
    private final CostModel costModel;
    private final Constraints constraints;

    public FitnessFunction(SearchProblem problem, CostModel costModel, Constraints constraints) {
        this.problem = problem;
        this.costModel = costModel;
        this.constraints = constraints;
    }

    public Constraints constraints() {
        return constraints;
    }

    /** A candidate scored without racing. */
    public Fitness of(Genome genome, CandidateTally t) {
        return of(genome, t, Fitness.NOT_RACED, true);
    }

    /**
     * @param racingStage where racing stopped it ({@link Fitness#racingStage})
     * @param complete    true if the tally covers every evaluation sample
     */
    public Fitness of(Genome genome, CandidateTally t, int racingStage, boolean complete) {
        double quality = problem.quality(t);
        long[] stats = t.activationStats();
        CostModel.Costs cost = costModel.costs(genome, stats);
        return new Fitness(t.samples(), t.correct(), quality, t.samples() == 0 ? 0 : t.lossSum() / t.samples(),
                cost.weightBits(), cost.memoryBytes(), cost.cycles(), cost.energyPj(),
                constraints.violation(quality, cost.memoryBytes()), Arrays.stream(stats).boxed().toList(),
                CorrectPositions.of(t.correctAt()), racingStage, complete);
    }

    /** The costs of a candidate before any inference: exact when the cost model needs no activation statistics. */
    public CostModel.Costs costsBeforeInference(Genome genome) {
        return costModel.costs(genome, new long[0]);
    }

    /**
     * A candidate not scored yet, with its costs before inference and a predicted {@code quality}: what pre-screening
     * ranks it by. It has seen no sample, so it never enters the archive.
     */
    public Fitness predicted(Genome genome, double quality) {
        CostModel.Costs cost = costsBeforeInference(genome);
        return new Fitness(0, 0, quality, 0, cost.weightBits(), cost.memoryBytes(), cost.cycles(), cost.energyPj(),
                constraints.violation(quality, cost.memoryBytes()), List.of(), CorrectPositions.NONE,
                Fitness.NOT_RACED, false);
    }

    /**
     * A candidate never scored because its costs break a constraint: quality 0 over 0 samples, infeasible by its cost
     * violation alone (its quality is unknown, not bad).
     */
    public Fitness unscored(CostModel.Costs cost) {
        return new Fitness(0, 0, 0, 0, cost.weightBits(), cost.memoryBytes(), cost.cycles(), cost.energyPj(),
                constraints.costViolation(cost.memoryBytes()), List.of(), CorrectPositions.NONE, 0, false);
    }
}
