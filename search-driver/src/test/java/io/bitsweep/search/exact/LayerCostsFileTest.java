package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.hwsim.CsvReporter;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real search (IC ResNet-8, exact evaluator, local[2], 2 shards) on the data-dependent Stripes target, whose
 * cycles and energy depend on the activation statistics the shards gathered: every front point's
 * best/&lt;id&gt;.hwsim.csv sums, layer by layer, to exactly the cycles and energy the archive holds for it, also for
 * points evaluated before a resume (their statistics are read back from the run store's activation_stats column).
 */
class LayerCostsFileTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              hw.target = stripes-16x16-os
              population = 6
              generations = 1
              shards = 2
              splits.calibration.samples = 16
              splits.evaluation.samples = 24
              profile.samples = 12
              objectives = [accuracy, weight-bits, cycles, energy]
              constraints.max-accuracy-drop = -1
            }""";

    @Test
    void perLayerCostsOfEveryFrontPointSumToItsArchivedCosts(@TempDir Path dir) throws Exception {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(), null);
        SparkSession spark = SparkSessions.create("local[2]", List.of(), false);
        SearchJob.Result r;
        try {
            SearchJob.run(s, new SearchJob.Options(dir.resolve("run").toString(), false, null, false, spark),
                    SearchListener.NONE);
            // Extended by a resume: the generation-0 points' statistics come back from the run store.
            r = SearchJob.run(SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of("generations=2"), null),
                    new SearchJob.Options(dir.resolve("run").toString(), true, null, false, spark),
                    SearchListener.NONE);
        } finally {
            spark.stop();
        }
        assertTrue(r.archive().size() >= 2, "front of " + r.archive().size());
        assertTrue(r.archive().points().stream().anyMatch(p -> p.candidate().generation() == 0),
                "no front point from before the resume");
        Set<Double> cycles = new HashSet<>();
        for (Scored p : r.archive().points()) {
            List<String> lines = Files.readAllLines(dir.resolve("run/best/" + p.id() + ".hwsim.csv"));
            assertEquals(CsvReporter.HEADER, lines.get(0), p.id());
            String[] total = lines.get(lines.size() - 1).split(",", -1);
            assertEquals("total", total[0], p.id());
            long layerCycles = 0;
            double layerEnergy = 0;
            long requantCycles = 0;
            for (String line : lines.subList(1, lines.size() - 1)) {
                String[] f = line.split(",", -1);
                // total = compute + stall + requantization cycles; requantization energy is part of the energy
                assertEquals(Long.parseLong(f[3]) + Long.parseLong(f[4]) + Long.parseLong(f[10]),
                        Long.parseLong(f[5]), line);
                assertTrue(Double.parseDouble(f[11]) <= Double.parseDouble(f[8]), line);
                layerCycles += Long.parseLong(f[5]);
                layerEnergy += Double.parseDouble(f[8]);
                requantCycles += Long.parseLong(f[10]);
            }
            assertEquals(requantCycles, Long.parseLong(total[10]), p.id() + " sum of requantization cycles");
            assertTrue(requantCycles > 0, p.id() + ": MPIC requantizes every layer output on the core");
            assertTrue(lines.size() > 10, p.id() + ": " + lines.size() + " lines");
            assertEquals(p.fitness().cycles(), Long.parseLong(total[5]), p.id() + " total cycles");
            assertEquals(p.fitness().cycles(), layerCycles, p.id() + " sum of layer cycles");
            assertEquals(p.fitness().energyPj(), Double.parseDouble(total[8]), 0.0005, p.id() + " total energy");
            assertEquals(p.fitness().energyPj(), layerEnergy, 0.0005 * lines.size(), p.id() + " sum of layer energy");
            cycles.add(p.fitness().cycles());
        }
        assertTrue(cycles.size() >= 2, "front points with distinct cycles: " + cycles);
    }
}
