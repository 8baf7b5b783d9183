package io.bitsweep.search.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.space.Genome;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The refitted quality model on the synthetic problem, with genomes scored by the real local evaluator: fitted on some
 * genomes, it predicts others' measured accuracy better than their mean does, and the same genomes in the same order
 * give the same model.
 */
class QualityModelTest {
    static final int FIT = 48;
    static final int HELD_OUT = 24;

    @Test
    void predictsHeldOutGenomesBetterThanTheirMeanAndFitsDeterministically() {
        try (Profiled p = Profiled.synthetic()) {
            SplittableRandom rnd = new SplittableRandom(7);
            Genome[] genomes = IntStream.range(0, FIT + HELD_OUT).mapToObj(i -> p.problem().space().random(rnd))
                    .toArray(Genome[]::new);
            CandidateTally[] tallies = p.evaluator().evaluate("test", genomes,
                    new SampleRange(0, p.problem().splits().evaluationSize()), n -> { });
            double[] quality = Arrays.stream(tallies).mapToDouble(t -> p.problem().quality(t)).toArray();
            QualityModel.Features features = QualityModel.Features.of(p.problem().space(), p.profile());
            List<Genome> fitted = Arrays.asList(genomes).subList(0, FIT);
            double[] fittedQuality = Arrays.copyOf(quality, FIT);
            QualityModel model = features.fit(fitted, fittedQuality);

            double mean = Arrays.stream(quality, FIT, FIT + HELD_OUT).average().orElseThrow();
            double modelError = 0;
            double meanError = 0;
            for (int i = FIT; i < FIT + HELD_OUT; i++) {
                modelError += Math.pow(model.predict(genomes[i]) - quality[i], 2);
                meanError += Math.pow(mean - quality[i], 2);
            }
            assertTrue(meanError > 0, "the held-out genomes differ in accuracy");
            assertTrue(modelError < 0.5 * meanError, "squared error " + modelError + " against the held-out mean's "
                    + meanError);
            QualityModel again = features.fit(fitted, fittedQuality);
            for (Genome g : genomes) {
                assertEquals(model.predict(g), again.predict(g), 0.0);
            }
        }
    }
}
