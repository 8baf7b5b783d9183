package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.store.ParquetBytes;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.ScoredTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-screening in a whole search (synthetic problem, local runner): it changes which children are scored, still
 * scores a population's worth per generation, gives the same run store on another shard count and across
 * {@code --resume}, and needs the profile.
 */
class PrescreenSearchTest {
    static final String[] ON = {"prescreen=on", "generations=5"};

    @Test
    void screenedSearchesAreDeterministicAcrossShardsAndResume(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        SearchJob.Result a = SearchJobTest.run(SearchJobTest.settings(concat(ON, "shards=3")), dir.resolve("a"), false,
                summaryLines(lines));
        SearchJobTest.run(SearchJobTest.settings(concat(ON, "shards=5")), dir.resolve("b"), false,
                SearchListener.NONE);
        SearchJobTest.run(SearchJobTest.settings("prescreen=on", "generations=3", "shards=3"), dir.resolve("c"), false,
                SearchListener.NONE);
        SearchJobTest.run(SearchJobTest.settings(concat(ON, "shards=3")), dir.resolve("c"), true, SearchListener.NONE);
        for (String other : List.of("b", "c")) {
            assertEquals(Files.readString(dir.resolve("a/front.csv")), Files.readString(dir.resolve(other
                    + "/front.csv")), other);
            for (int g = 0; g < 5; g++) {
                String f = RunStore.generationDir(g) + "/evaluations.parquet";
                assertArrayEquals(ParquetBytes.beforeFooter(dir.resolve("a").resolve(f)),
                        ParquetBytes.beforeFooter(dir.resolve(other).resolve(f)), other + " " + f);
            }
        }
        List<String> unscreenedLines = new ArrayList<>();
        SearchJob.Result unscreened = SearchJobTest.run(SearchJobTest.settings("prescreen=off", "generations=5", "shards=3"),
                dir.resolve("d"), false, summaryLines(unscreenedLines));
        assertEquals(genomes(a.store(), 0), genomes(unscreened.store(), 0), "generation 0 is not screened");
        assertNotEquals(genomes(a.store(), 1), genomes(unscreened.store(), 1), "the screen chose other children");
        for (int g = 1; g < 5; g++) {
            assertEquals(12, a.store().readTable(g, "evaluations").size(), "a population's worth in generation " + g);
        }
        // The summary line says how many bred children the screen chose from (6 per slot), and only when it did.
        Pattern screened = Pattern.compile("gen \\d/4: 12 evaluated( \\(\\+\\d+ reused\\))? of 72 bred, .*");
        assertFalse(lines.get(0).contains("bred"), lines.get(0));
        for (String line : lines.subList(1, 5)) {
            assertTrue(screened.matcher(line).matches(), line);
        }
        unscreenedLines.forEach(line -> assertFalse(line.contains("bred"), line));
    }

    private static SearchListener summaryLines(List<String> lines) {
        return new SearchListener() {
            @Override
            public void generationFinished(GenerationResult result) {
                lines.add(result.summary().line());
            }
        };
    }

    @Test
    void prescreenNeedsTheProfile(@TempDir Path dir) {
        String msg = assertThrows(BitSweepException.class, () -> SearchJobTest.run(SearchJobTest.settings(
                "prescreen=on", "profile=off", "solver=off"), dir.resolve("x"), false, SearchListener.NONE))
                .getMessage();
        assertEquals("bitsweep.search.prescreen: on needs the sensitivity profile, its loss model (set profile = on, "
                + "or prescreen = off)", msg);
    }

    private static List<String> genomes(RunStore store, int generation) {
        return store.readTable(generation, "evaluations").stream().map(ScoredTable.Row::candidate)
                .map(c -> c.genome().hex()).toList();
    }

    private static String[] concat(String[] a, String b) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
