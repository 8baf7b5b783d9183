package io.bitsweep.search.nsga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontsTest {
    static Scored point(String id, double violation, double... objectives) {
        Candidate c = new Candidate(id, 0, 0, Genome.of(new byte[] {(byte) id.hashCode()}), "test", null, null);
        return new Scored(c, new Fitness(1, 1, 1 - objectives[0], 0, 0, 0, 0, 0, violation, List.of(),
                CorrectPositions.NONE, Fitness.NOT_RACED, true), objectives);
    }

    @Test
    void hypervolumeIsMeasuredAgainstTheReferencePoint() {
        Fronts f = new Fronts(new double[] {1, 10, 100}, 1.1);
        // normalised (0.135, 1, 1): box (1.1-0.135) * 0.1 * 0.1
        assertEquals(0.965 * 0.01, f.hypervolume(List.of(point("a", 0, 0.135, 10, 100))), 1e-12);
        // two boxes minus their overlap
        double two = f.hypervolume(List.of(point("a", 0, 0.135, 10, 100), point("b", 0, 0.195, 7.2, 86)));
        assertEquals(0.905 * 0.38 * 0.24 + 0.965 * 0.01 - 0.905 * 0.01, two, 1e-12);
        assertEquals(0, f.hypervolume(List.of(point("c", 0, 0.1, 20, 50))));
    }

    @Test
    void feasibleCandidatesRankBeforeInfeasibleOnes() {
        Fronts f = new Fronts(new double[] {1, 1}, 1.1);
        Scored good = point("a", 0, 0.5, 0.5);
        Scored dominated = point("b", 0, 0.6, 0.6);
        Scored infeasibleButBetter = point("c", 0.2, 0.1, 0.1);
        Map<Scored, Fronts.Order> order = f.order(List.of(good, dominated, infeasibleButBetter));
        assertEquals(0, order.get(good).rank());
        assertEquals(1, order.get(dominated).rank());
        assertEquals(2, order.get(infeasibleButBetter).rank());
        assertEquals(List.of(good, dominated), f.select(List.of(infeasibleButBetter, dominated, good), 2));
    }

    @Test
    void archiveKeepsTheNonDominatedAndDropsTheMostCrowded() {
        Fronts f = new Fronts(new double[] {1, 1}, 1.1);
        Scored a = point("a", 0, 0.1, 0.9);
        Scored b = point("b", 0, 0.5, 0.5);
        Scored b2 = point("b2", 0, 0.51, 0.49);
        Scored c = point("c", 0, 0.9, 0.1);
        Scored dominated = point("d", 0, 0.95, 0.95);
        ParetoArchive arch = ParetoArchive.empty().update(List.of(a, b, b2, c, dominated), f, 3, false);
        assertEquals(3, arch.size());
        assertEquals(List.of("a", "b2", "c").size(), arch.points().size());
        assertSame(a, arch.points().get(0));
        assertSame(c, arch.points().get(2));
        ParetoArchive byHv = ParetoArchive.empty().update(List.of(a, b, b2, c, dominated), f, 3, true);
        assertEquals(3, byHv.size());
    }

    /** With room for every non-dominated point, updating the archive never lowers its hypervolume. */
    @Test
    void anArchiveWithRoomNeverLosesHypervolume() {
        Fronts f = new Fronts(new double[] {1, 1, 1}, 1.1);
        Random random = new Random(3);
        ParetoArchive archive = ParetoArchive.empty();
        double previous = 0;
        for (int generation = 0; generation < 20; generation++) {
            List<Scored> newcomers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                newcomers.add(point("g" + generation + "-" + i, random.nextInt(5) == 0 ? 0.1 : 0,
                        random.nextDouble(), random.nextDouble(), random.nextDouble()));
            }
            archive = archive.update(newcomers, f, Integer.MAX_VALUE, false);
            double hv = f.hypervolume(archive.points());
            assertTrue(hv >= previous - 1e-12, "generation " + generation + ": " + hv + " after " + previous);
            assertTrue(archive.points().stream().allMatch(p -> p.fitness().feasible()));
            previous = hv;
        }
        assertTrue(archive.size() >= 8, "a front of several points: " + archive.size());
    }
}
