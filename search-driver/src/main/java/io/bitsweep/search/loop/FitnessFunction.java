package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.space.Genome;
import java.util.Arrays;

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

    public Fitness of(Genome genome, CandidateTally t) {
        double quality = problem.quality(t);
        long[] stats = t.activationStats();
        CostModel.Costs cost = costModel.costs(genome, stats);
        return new Fitness(t.samples(), t.correct(), quality, t.samples() == 0 ? 0 : t.lossSum() / t.samples(),
                cost.weightBits(), cost.memoryBytes(), cost.cycles(), cost.energyPj(),
                constraints.violation(quality, cost.memoryBytes()), Arrays.stream(stats).boxed().toList());
    }
}
