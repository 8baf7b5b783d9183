package io.bitsweep.search.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches of one application that share {@link SharedShards} (a sweep's cells) read and cache a data set's shards
 * once: the second search of the same data and evaluation order caches no RDD of its own, its front is the front it
 * has alone, and the shards stay cached until the owner closes.
 */
class SharedShardsTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              population = 6
              generations = 2
              shards = 3
              profile.mode = off
              solver.mode = off
              splits { calibration.samples = 20, evaluation.samples = 60 }
              constraints.memory-budget = none
            }""";
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSessions.create("local[2]", SearchJob.kryoRegistrators("exact"), false);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static SearchSettings settings(String... sets) {
        return SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(sets), null);
    }

    @Test
    void theSecondSearchOfTheSameDataScoresOnTheCachedShards() throws Exception {
        Path alone = dir.resolve("alone");
        SearchJob.run(settings("space.default.granularity=per-layer"),
                new SearchJob.Options(alone.toString(), false, null, false, spark), SearchListener.NONE);
        assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "a search alone unpersists its shards");

        try (SharedShards shared = new SharedShards()) {
            SearchJob.run(settings(), new SearchJob.Options(dir.resolve("cw").toString(), false, null, false, spark,
                    null, shared), SearchListener.NONE);
            int cachedAfterFirst = spark.sparkContext().getPersistentRDDs().size();
            SearchJob.run(settings("space.default.granularity=per-layer"), new SearchJob.Options(
                    dir.resolve("lw").toString(), false, null, false, spark, null, shared), SearchListener.NONE);
            assertEquals(1, shared.size());
            assertEquals(1, cachedAfterFirst, "the first search leaves its shards cached for the next");
            assertEquals(1, spark.sparkContext().getPersistentRDDs().size(), "the second search adds none");
            assertEquals(Files.readString(alone.resolve("front.csv")),
                    Files.readString(dir.resolve("lw").resolve("front.csv")));
            // Another evaluation order (another seed) is another shard set.
            SearchJob.run(settings("splits.seed=2"), new SearchJob.Options(dir.resolve("s2").toString(), false,
                    null, false, spark, null, shared), SearchListener.NONE);
            assertEquals(2, shared.size());
        }
        assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "closing the owner unpersists them");
    }
}
