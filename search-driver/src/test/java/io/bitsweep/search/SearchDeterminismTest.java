package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.ParquetBytes;
import io.bitsweep.search.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same archive, row for row and byte for byte (every data page; the footers differ only in
 * the writing run's id), whatever the number of executor threads or the number of shards the data is cut into, and
 * whether Spark or the local runner scores the candidates, with Pareto racing on (its default); another seed gives
 * another search.
 */
class SearchDeterminismTest {
    static SearchJob.Result runOn(String master, Path out, SearchSettings s) {
        SparkSession spark = SparkSessions.create(master, List.of(), false);
        try {
            return SearchJob.run(s, new SearchJob.Options(out.toString(), false, null, false, spark),
                    SearchListener.NONE);
        } finally {
            spark.stop();
        }
    }

    @Test
    void sameSeedSameArchiveOnAnyExecutorsAndPartitioning(@TempDir Path dir) throws Exception {
        SearchJob.Result a = runOn("local[2]", dir.resolve("a"), SearchJobTest.settings("shards=3"));
        // The defaults race (racing = auto): the runs compared below stopped candidates at different stages, whose
        // sample ranges fall differently on 3 and 5 shards.
        assertTrue(RacingSearchTest.evaluations(a.store(), 4).stream()
                .anyMatch(x -> !x.reused() && !x.fitness().complete()), "racing stopped no candidate");
        runOn("local[1]", dir.resolve("b"), SearchJobTest.settings("shards=3"));
        runOn("local[2]", dir.resolve("c"), SearchJobTest.settings("shards=5"));
        runOn("local[2]", dir.resolve("d"), SearchJobTest.settings("shards=3", "seed=8"));
        SearchJob.run(SearchJobTest.settings("shards=3"), new SearchJob.Options(dir.resolve("e").toString(), false,
                null, false, null), SearchListener.NONE); // the local runner: no Spark
        String front = Files.readString(dir.resolve("a/front.csv"));
        for (String other : List.of("b", "c", "e")) {
            assertEquals(front, Files.readString(dir.resolve(other + "/front.csv")), other);
            for (int g = 0; g < 4; g++) {
                for (String t : List.of("population", "evaluations", "archive")) {
                    String f = RunStore.generationDir(g) + "/" + t + ".parquet";
                    assertArrayEquals(ParquetBytes.beforeFooter(dir.resolve("a").resolve(f)),
                            ParquetBytes.beforeFooter(dir.resolve(other).resolve(f)), other + " " + f);
                }
            }
        }
        assertNotEquals(front, Files.readString(dir.resolve("d/front.csv")));
    }
}
