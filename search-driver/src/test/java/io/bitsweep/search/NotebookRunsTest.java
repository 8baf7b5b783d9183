package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.sweep.SweepConfig;
import io.bitsweep.search.sweep.SweepJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes real run directories for the notebooks' CI (notebooks/ci.sh) and their pytest tests: the synthetic problem
 * searched channel-wise, layer-wise and with BFP, plus a run interrupted after generation 1. It runs only when the
 * system property {@value #PROPERTY} names the output directory, e.g.
 * {@code ./mvnw -o -q -pl search-driver -am test -Dtest=NotebookRunsTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbitsweep.notebook.runs=target/notebook-runs}.
 */
class NotebookRunsTest {
    static final String PROPERTY = "bitsweep.notebook.runs";

    /** Run name -> --set overrides on top of synthetic.conf. */
    static final List<List<String>> RUNS = List.of(
            List.of("channel-wise", "generations=6"),
            List.of("layer-wise", "generations=6", "space.default.granularity=per-layer"),
            List.of("bfp", "generations=6", "space.default.granularity=per-layer",
                    "space.default.weights=[int8, \"bfp:m4\", pruned]"));

    /** A sweep of the synthetic problem: two targets x channel-wise and layer-wise (the reference), one seed. */
    private static void writeSweep(Path out, Path configs, SparkSession spark) throws IOException {
        try (InputStream in = NotebookRunsTest.class.getClassLoader().getResourceAsStream("synthetic.conf")) {
            Files.write(configs.resolve("synthetic.conf"), in.readAllBytes());
        }
        Path sweep = Files.writeString(configs.resolve("synthetic-sweep.conf"), """
                bitsweep.sweep {
                  benchmarks { synthetic { config = "synthetic.conf" } }
                  targets = [mpic, systolic-16x16-ws]
                  spaces {
                    channel-wise { space.default.granularity = per-channel }
                    layer-wise { space.default.granularity = per-layer }
                  }
                  reference-space = layer-wise
                  set { generations = 4 }
                }
                """);
        SweepJob.Result r = SweepJob.run(SweepConfig.load(sweep),
                new SweepJob.Options(out.toString(), false, null, false, null, spark), SweepJob.Listener.NONE);
        assertEquals(List.of(), r.failed());
        assertTrue(Files.exists(out.resolve("summary.parquet")));
    }

    @Test
    void writesRunDirectoriesForTheNotebooks(@TempDir Path configs) throws IOException {
        String outProperty = System.getProperty(PROPERTY);
        assumeTrue(outProperty != null && !outProperty.isBlank(), "set -D" + PROPERTY + "=DIR to write the runs");
        Path out = Path.of(outProperty).toAbsolutePath();
        SparkSession spark = SparkSessions.create("local[2]", List.of(), false);
        try {
            for (List<String> run : RUNS) {
                Path dir = out.resolve(run.get(0));
                SearchSettings s = SearchJobTest.settings(run.subList(1, run.size()).toArray(String[]::new));
                SearchJob.run(s, new SearchJob.Options(dir.toString(), false, null, false, spark), SearchListener.NONE);
                assertTrue(Files.exists(dir.resolve("front.csv")), dir + "/front.csv");
                assertEquals(5, RunStore.at(dir.toString(), new org.apache.hadoop.conf.Configuration())
                        .lastCompleteGeneration(), dir.toString());
            }
            Path interrupted = out.resolve("interrupted");
            class Interrupted extends RuntimeException {}
            assertThrows(Interrupted.class, () -> SearchJob.run(SearchJobTest.settings("generations=6"),
                    new SearchJob.Options(interrupted.toString(), false, null, false, spark), new SearchListener() {
                        @Override
                        public void generationStarted(int generation, int generations, long evaluations) {
                            if (generation == 2) {
                                throw new Interrupted();
                            }
                        }
                    }));
            assertEquals(1, RunStore.at(interrupted.toString(), new org.apache.hadoop.conf.Configuration())
                    .lastCompleteGeneration());
            assertFalse(Files.exists(interrupted.resolve("front.csv")));
            writeSweep(out.resolve("sweep"), configs, spark);
        } finally {
            spark.stop();
        }
    }
}
