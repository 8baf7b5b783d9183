package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.ScoredTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Racing in a whole search (synthetic problem, local runner): decisions are recorded per candidate, stopped
 * candidates never reach the archive, memory-budget violators are never scored, and racing = off scores every
 * candidate on every sample.
 */
class RacingSearchTest {
    static List<ScoredTable.Row> evaluations(RunStore store, int generations) {
        List<ScoredTable.Row> rows = new ArrayList<>();
        for (int g = 0; g < generations; g++) {
            rows.addAll(store.readTable(g, "evaluations"));
        }
        return rows;
    }

    @Test
    void racedCandidatesStopEarlyAreRecordedAndNeverEnterTheArchive(@TempDir Path dir) {
        List<String> lines = new ArrayList<>();
        SearchJob.Result r = SearchJobTest.run(SearchJobTest.settings("generations=6", "constraints.memory-budget=1500"),
                dir.resolve("race"), false, new SearchListener() {
                    @Override
                    public void generationFinished(GenerationResult result) {
                        lines.add(result.summary().line());
                    }
                });
        List<ScoredTable.Row> rows = evaluations(r.store(), 6);
        long stopped = rows.stream().filter(x -> !x.reused() && !x.fitness().complete()
                && x.fitness().racingStage() > 0).count();
        long unscored = rows.stream().filter(x -> x.fitness().racingStage() == 0).count();
        assertTrue(stopped > 0, "racing stopped no candidate");
        assertTrue(unscored > 0, "no candidate broke the 1500-byte budget");
        for (ScoredTable.Row x : rows) {
            Fitness f = x.fitness();
            if (f.racingStage() == 0) {
                assertEquals(0, f.samples(), x.candidate().id() + " broke the budget: never scored");
                assertTrue(f.memoryBytes() > 1500 && !f.feasible());
            } else if (!f.complete()) {
                assertTrue(f.samples() < 200, x.candidate().id() + " stopped after " + f.samples());
            } else {
                assertEquals(200, f.samples());
                assertEquals(5, f.racingStage(), "the last of 5 stages");
            }
        }
        r.archive().points().forEach(p -> assertTrue(p.fitness().complete() && p.fitness().samples() == 200, p.id()));
        r.store().readTable(5, "archive").forEach(p -> assertTrue(p.fitness().complete(), p.candidate().id()));
        assertTrue(lines.get(5).contains("racing saved "), lines.get(5));
    }

    @Test
    void racingOffScoresEveryCandidateOnEverySample(@TempDir Path dir) {
        SearchJob.Result r = SearchJobTest.run(SearchJobTest.settings("racing=off", "constraints.memory-budget=1500"),
                dir.resolve("off"), false, SearchListener.NONE);
        for (ScoredTable.Row x : evaluations(r.store(), 4)) {
            assertEquals(200, x.fitness().samples(), x.candidate().id());
            assertEquals(Fitness.NOT_RACED, x.fitness().racingStage());
        }
    }

    @Test
    void racingOnIsRefusedForAnAucTaskAndAutoLeavesItOff(@TempDir Path dir) {
        Path conf = Path.of(System.getProperty("bitsweep.repo", "..")).resolve("conf/search/ad-autoencoder-mpic.conf");
        String msg = assertThrows(BitSweepException.class, () -> SearchJob.run(
                SearchConfigLoader.load(conf, List.of("racing=on", "runner=local"), null),
                new SearchJob.Options(dir.resolve("ad").toString(), false, null, false, null), SearchListener.NONE))
                .getMessage();
        assertEquals("bitsweep.search.racing: on is not possible here: this task's metric is AUC, which has no "
                + "per-sample outcome to race on (allowed: auto, off)", msg);
    }
}
