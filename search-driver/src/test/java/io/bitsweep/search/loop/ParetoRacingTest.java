package io.bitsweep.search.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.nsga.CorrectPositions;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.problem.CostModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bounds racing decides with (they hold the observed values, close on them, and widen with fewer samples) and the
 * rivals that may stop a candidate.
 */
class ParetoRacingTest {
    static final ParetoRacing RACE = new ParetoRacing(null, null, List.of(Objective.ACCURACY, Objective.WEIGHT_BITS),
            new int[] {100, 250, 1000}, ParetoRacing.quantile(0.99));

    static Fitness correctAt(long[] bits, int samples) {
        return scored(bits, samples, 0);
    }

    static Fitness scored(long[] bits, int samples, double weightBits) {
        long correct = Arrays.stream(bits).map(Long::bitCount).sum();
        return new Fitness(samples, correct, (double) correct / samples, 0, weightBits, 0, 0, 0, 0, List.of(),
                CorrectPositions.of(bits), 1, false);
    }

    /** Positions 0..999: right on 90% of them, and {@code worse} of every 10 more wrong. */
    static long[] predictions(int worse) {
        long[] bits = new long[16];
        for (int p = 0; p < 1000; p++) {
            if (p % 10 >= 1 + worse) {
                bits[p >> 6] |= 1L << p;
            }
        }
        return bits;
    }

    @Test
    void stagesAreRoundedFractionsOfTheSplit() {
        assertArrayEquals(new int[] {15, 38, 75, 150}, ParetoRacing.stageEnds(List.of(0.1, 0.25, 0.5, 1.0), 150));
        assertArrayEquals(new int[] {1, 3}, ParetoRacing.stageEnds(List.of(0.1, 0.2, 1.0), 3), "empty stages dropped");
        assertEquals(2.326, ParetoRacing.quantile(0.99), 1e-3);
    }

    @Test
    void theAccuracyBoundContainsTheObservedAccuracyAndClosesOnTheWholeSplit() {
        double at100 = RACE.upperBound(80, 100);
        double at500 = RACE.upperBound(400, 500);
        assertTrue(at100 > 0.8 && at500 > 0.8 && at500 < at100, at100 + " " + at500);
        assertEquals(0.8, RACE.upperBound(800, 1000), 1e-12);
        assertTrue(RACE.upperBound(0, 100) > 0, "no correct sample yet is no proof of 0%");
        assertTrue(RACE.upperBound(100, 100) <= 1);
    }

    @Test
    void aCandidateOfTheSameStageThatCostsNoMoreAndIsMoreAccurateStopsIt() {
        ParetoRacing race = new ParetoRacing(null, new FitnessFunction(null, null, new Constraints(0.9, -1, 0)),
                List.of(Objective.ACCURACY, Objective.WEIGHT_BITS), new int[] {100, 250, 1000},
                ParetoRacing.quantile(0.99));
        Fitness better = scored(predictions(0), 100, 1000);
        Fitness worse = scored(predictions(2), 100, 2000);
        Fitness worseButSmaller = scored(predictions(2), 100, 500);
        List<Fitness> stage = List.of(better, worse, worseButSmaller);
        CostModel.Costs worseCosts = new CostModel.Costs(2000, 0, 0, 0);
        CostModel.Costs smallerCosts = new CostModel.Costs(500, 0, 0, 0);
        CostModel.Costs betterCosts = new CostModel.Costs(1000, 0, 0, 0);
        ParetoArchive none = ParetoArchive.empty();
        assertTrue(race.stops(worse, worseCosts, 100, none, stage), "20 points worse at twice the memory");
        assertFalse(race.stops(worseButSmaller, smallerCosts, 100, none, stage), "cheaper: it may enter the front");
        assertFalse(race.stops(better, betterCosts, 100, none, stage), "the more accurate one races on");
        assertFalse(race.stops(worse, worseCosts, 100, none, List.of(worse, worseButSmaller)),
                "a rival no better than the candidate does not stop it");
    }

    @Test
    void thePairedBoundCountsOnlySamplesTheTwoDisagreeOn() {
        long[] a = new long[16];
        long[] c = new long[16];
        for (int p = 0; p < 1000; p++) {
            boolean right = p % 10 != 0;                    // a: 90% right
            a[p >> 6] |= right ? 1L << p : 0;
            c[p >> 6] |= right && p % 5 != 1 ? 1L << p : 0;  // c: right where a is, except every 5th: 20 points worse
        }
        double stage1 = RACE.differenceUpperBound(correctAt(c, 100), correctAt(a, 1000), 100);
        assertTrue(stage1 < 0, "c is 20 points worse on every sample a gets right: " + stage1);
        assertTrue(correctAt(c, 100).correctAt().onlyHere(correctAt(a, 100).correctAt(), 100) == 0);
        double same = RACE.differenceUpperBound(correctAt(a, 100), correctAt(a, 1000), 100);
        assertTrue(same > 0, "identical predictions never prove the candidate worse: " + same);
    }
}
