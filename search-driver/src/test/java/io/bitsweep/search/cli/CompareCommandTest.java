package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.loop.SearchListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep compare} on two real (synthetic-problem) runs, channel-wise and layer-wise: the table's numbers
 * recomputed here from front.csv, the CSV and JSON outputs, and every bad input (notebooks/tests/test_compare.py
 * checks the same table against bitsweep_runs.iso_accuracy).
 */
class CompareCommandTest {
    @TempDir
    static Path dir;
    static Path channelWise;
    static Path layerWise;

    static Path search(String name, String... sets) {
        Path out = dir.resolve(name);
        SearchJob.run(SearchConfigLoader.load(ConfigFactory.parseResources("synthetic.conf"), List.of(sets), null),
                new SearchJob.Options(out.toString(), false, null, false, null), SearchListener.NONE);
        return out;
    }

    @BeforeAll
    static void runs() {
        channelWise = search("cw");
        layerWise = search("lw", "space.default.granularity=per-layer");
    }

    /** front.csv rows: quality (col 3), weight_bits (5), cycles (7), energy_pj (8). */
    static List<double[]> front(Path run) throws Exception {
        return Files.readAllLines(run.resolve("front.csv")).stream().skip(1).map(l -> l.split(","))
                .map(c -> new double[] {Double.parseDouble(c[3]), Double.parseDouble(c[5]), Double.parseDouble(c[7]),
                    Double.parseDouble(c[8])}).toList();
    }

    static double least(List<double[]> front, double level, int cost) {
        return front.stream().filter(p -> p[0] >= level).mapToDouble(p -> p[cost]).min().orElse(Double.NaN);
    }

    @Test
    void isoAccuracyTableCsvAndJson() throws Exception {
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.run(new CompareCommand(), layerWise.toString(), channelWise.toString(), "--out",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("iso-accuracy: least weight memory, cycles and energy among each run's front "
                + "points with accuracy >= level; savings against lw\n"), r.out());
        assertTrue(r.out().contains("\ncw against lw at iso-accuracy ("), r.out());
        List<double[]> lw = front(layerWise);
        List<double[]> cw = front(channelWise);
        double[] levels = Stream.concat(lw.stream(), cw.stream()).mapToDouble(p -> p[0]).distinct().boxed()
                .sorted(Comparator.reverseOrder()).mapToDouble(Double::doubleValue).toArray();
        List<String> csv = Files.readAllLines(out.resolve("iso-accuracy.csv"));
        assertEquals("level,run,weight_bits,weight_bits_point,cycles,cycles_point,energy_pj,energy_pj_point,"
                + "weight_bits_saving_pct,cycles_saving_pct,energy_pj_saving_pct", csv.get(0));
        assertEquals(1 + 2 * levels.length, csv.size());
        for (int i = 0; i < levels.length; i++) {
            String[] lwRow = csv.get(1 + 2 * i).split(",", -1);
            String[] cwRow = csv.get(2 + 2 * i).split(",", -1);
            assertEquals(String.format(Locale.ROOT, "%.6f", levels[i]), lwRow[0]);
            assertEquals("lw", lwRow[1]);
            assertEquals("cw", cwRow[1]);
            for (int cost = 1; cost <= 3; cost++) {
                double l = least(lw, levels[i], cost);
                double c = least(cw, levels[i], cost);
                assertEquals(Double.isNaN(l) ? "" : String.format(Locale.ROOT, "%.1f", l), lwRow[2 * cost]);
                assertEquals(Double.isNaN(c) ? "" : String.format(Locale.ROOT, "%.1f", c), cwRow[2 * cost]);
                String saving = cwRow[7 + cost];
                if (Double.isNaN(l) || Double.isNaN(c)) {
                    assertEquals("", saving);
                } else {
                    assertEquals(100 * (1 - c / l), Double.parseDouble(saving), 1e-5, "level " + levels[i]);
                    assertEquals("0.000000", lwRow[7 + cost], "the reference saves nothing against itself");
                }
            }
        }
        for (String f : List.of("compare.html", "compare.png")) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
        assertTrue(Files.readString(out.resolve("compare.html")).contains("\"schema\":\"bitsweep.compare/1\""));

        CliRun json = CliRun.run(new CompareCommand(), layerWise.toString(), channelWise.toString(), "--out",
                out.toString(), "--json", "--levels", "90,50");
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("bitsweep.compare/1", doc.path("schema").asText());
        assertEquals(2, doc.path("iso_accuracy").size());
        assertEquals(0.9, doc.path("iso_accuracy").get(0).path("level").asDouble(), 1e-12);
        double expected = least(cw, 0.5, 1);
        assertEquals(expected, doc.path("iso_accuracy").get(1).path("runs").get(1).path("weight_bits").asDouble());
        assertEquals("cw", doc.path("headlines").get(0).path("run").asText());
    }

    /** How many of {@code reference}'s points {@code other} has a point at least as good for, in every objective. */
    static int covered(List<double[]> reference, List<double[]> other, int... costs) {
        int n = 0;
        for (double[] r : reference) {
            n += other.stream().anyMatch(o -> o[0] >= r[0]
                    && Arrays.stream(costs).allMatch(c -> o[c] <= r[c])) ? 1 : 0;
        }
        return n;
    }

    @Test
    void coverageCountsTheReferencePointsAnotherRunMatches(@TempDir Path tmp) throws Exception {
        List<double[]> lw = front(layerWise);
        List<double[]> cw = front(channelWise);
        int byChannelWise = covered(lw, cw, 1, 2); // synthetic.conf: accuracy, weight-bits, cycles
        assertTrue(byChannelWise < lw.size() || covered(cw, lw, 1, 2) < cw.size(),
                "the two fronts differ, so one of them leaves a point unmatched");
        CliRun r = CliRun.run(new CompareCommand(), layerWise.toString(), channelWise.toString(), "--out",
                tmp.resolve("cmp").toString());
        assertEquals(0, r.exit(), r.err());
        String line = "cw matches " + byChannelWise + " of " + lw.size() + " front points of lw (a point at least as "
                + "good in accuracy, weight-bits, cycles)" + (byChannelWise == lw.size() ? ": every one" : "") + "\n";
        assertTrue(r.out().contains("\n" + line), r.out());

        CliRun self = CliRun.run(new CompareCommand(), layerWise.toString(), copyOf(layerWise, tmp.resolve("lw2"))
                .toString(), "--json", "--out", tmp.resolve("cmp2").toString());
        JsonNode c = new ObjectMapper().readTree(self.out()).path("coverage").get(0);
        assertEquals(lw.size(), c.path("covered").asInt(), "a front matches every point of itself");
        assertEquals(lw.size(), c.path("points").asInt());
        assertEquals("[\"accuracy\",\"weight-bits\",\"cycles\"]", c.path("objectives").toString());

        Path energy = search("energy", "objectives=[accuracy, weight-bits, energy]");
        CliRun other = CliRun.run(new CompareCommand(), layerWise.toString(), energy.toString(), "--json", "--out",
                tmp.resolve("cmp3").toString());
        assertTrue(new ObjectMapper().readTree(other.out()).path("coverage").get(0).path("covered").isNull(),
                "fronts of other objectives are not matched point by point");
        CliRun otherText = CliRun.run(new CompareCommand(), layerWise.toString(), energy.toString(), "--out",
                tmp.resolve("cmp4").toString());
        assertTrue(otherText.out().contains("\nenergy matches - of lw's front points: the runs have different "
                + "objectives\n"), otherText.out());
    }

    private static Path copyOf(Path from, Path to) throws Exception {
        copy(from, to);
        return to;
    }

    @Test
    void badInputs(@TempDir Path tmp) throws Exception {
        CliRun one = CliRun.run(new CompareCommand(), channelWise.toString());
        assertEquals(CliErrors.EXIT_USAGE, one.exit());
        assertTrue(one.oneLineError() && one.err().contains("RUN"), one.err());

        CliRun level = CliRun.run(new CompareCommand(), channelWise.toString(), layerWise.toString(), "--levels", "120",
                "--out", tmp.resolve("o").toString());
        assertEquals(CliErrors.EXIT_USAGE, level.exit());
        assertTrue(level.oneLineError() && level.err().contains("--levels: 120.0 is not a percentage in 0..100"),
                level.err());

        CliRun notRun = CliRun.run(new CompareCommand(), channelWise.toString(), tmp.toString());
        assertEquals(CliErrors.EXIT_FAILURE, notRun.exit());
        assertTrue(notRun.oneLineError()
                && notRun.err().contains(tmp + " is not a BitSweep run directory: no run.json"), notRun.err());

        Path unfinished = tmp.resolve("unfinished");
        copy(layerWise, unfinished);
        Files.delete(unfinished.resolve("front.csv"));
        CliRun u = CliRun.run(new CompareCommand(), channelWise.toString(), unfinished.toString());
        assertEquals(CliErrors.EXIT_FAILURE, u.exit());
        assertTrue(u.oneLineError() && u.err().contains("has no front.csv: the run has not finished"), u.err());

        Path badObjective = tmp.resolve("bad-objective");
        copy(layerWise, badObjective);
        Path manifest = badObjective.resolve("run.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"weight-bits\"", "\"weight-bytes\""));
        CliRun b = CliRun.run(new CompareCommand(), channelWise.toString(), badObjective.toString(), "--out",
                tmp.resolve("o").toString());
        assertEquals(CliErrors.EXIT_FAILURE, b.exit());
        assertTrue(b.oneLineError() && b.err().contains(badObjective + "/run.json: config.bitsweep.search.objectives: "
                + "unknown objective 'weight-bytes' (allowed: accuracy, auc, weight-bits, cycles, energy)"), b.err());

        Path otherData = search("other-data", "data=\"synthetic:200\"");
        CliRun d = CliRun.run(new CompareCommand(), channelWise.toString(), otherData.toString(), "--out",
                tmp.resolve("o").toString());
        assertEquals(CliErrors.EXIT_FAILURE, d.exit());
        assertEquals("error: runs of different data cannot be compared: " + channelWise + " has data sha256 "
                + "synthetic-data-240, " + otherData + " has synthetic-data-200", d.err().strip());
        assertTrue(Files.notExists(tmp.resolve("o")), "nothing written for refused runs");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
