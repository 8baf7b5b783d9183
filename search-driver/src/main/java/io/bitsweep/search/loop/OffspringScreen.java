package io.bitsweep.search.loop;

import io.bitsweep.search.nsga.Candidate;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.space.Genome;
import java.util.List;
import java.util.Map;

/** Which of a generation's bred children are scored: all of them, or the best a model predicts. */
public interface OffspringScreen {
    /** Every child is scored; the generation breeds only as many as it scores. */
    OffspringScreen NONE = new OffspringScreen() {
        @Override
        public int factor() {
            return 1;
        }

        @Override
        public Choice choose(List<Candidate> bred, int n, Map<Genome, Fitness> evaluated, ParetoArchive archive) {
            return new Choice(bred, 0);
        }
    };

    /**
     * The children to score, in breeding order, and how many bred children a model chose them from (0 when they were
     * taken as bred: no screen, or too few scored candidates to fit one).
     */
    record Choice(List<Candidate> children, int screenedFrom) {
        public Choice {
            children = List.copyOf(children);
        }
    }

    /** How many children the generation breeds per child scored. */
    int factor();

    /**
     * The {@code n} children to score.
     *
     * @param bred      {@code factor() * n} children, in breeding order
     * @param evaluated every genome scored so far, with its fitness
     */
    Choice choose(List<Candidate> bred, int n, Map<Genome, Fitness> evaluated, ParetoArchive archive);
}
