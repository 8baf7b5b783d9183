package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.sweep.SweepCell;
import io.bitsweep.search.sweep.SweepConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep sweep} on the synthetic problem (fast, real searches on a real local Spark session): every cell is
 * the ordinary search its settings describe, the summary's numbers are recomputed here from the cells' front.csv,
 * a failing cell does not stop the others, and --resume continues a sweep where it stopped.
 */
class SweepCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The synthetic search config as a file, with {@code extra} appended inside bitsweep.search. */
    private Path searchConfig(String name, String extra) throws IOException {
        String base;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("synthetic.conf")) {
            base = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, base + "\nbitsweep.search { generations = 2\n" + extra + "\n}\n");
        return file;
    }

    private Path sweep(String body) throws IOException {
        Path file = dir.resolve("sweep.conf");
        Files.writeString(file, "bitsweep.sweep {\n" + body + "\n}\n");
        return file;
    }

    private static final String SPACES = """
            targets = [mpic]
            spaces {
              channel-wise { space.default.granularity = per-channel }
              layer-wise { space.default.granularity = per-layer }
            }
            reference-space = layer-wise
            """;

    /** summary.csv as one map per row (column -> field). */
    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], f[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** front.csv rows as {quality, weight_bits, energy_pj}. */
    private static List<double[]> front(Path run) throws IOException {
        return Files.readAllLines(run.resolve("front.csv")).stream().skip(1).map(l -> l.split(","))
                .map(c -> new double[] {Double.parseDouble(c[3]), Double.parseDouble(c[5]), Double.parseDouble(c[8])})
                .toList();
    }

    private static double least(List<double[]> front, double level, int cost) {
        return front.stream().filter(p -> p[0] >= level).mapToDouble(p -> p[cost]).min().orElse(Double.NaN);
    }

    @Test
    void everyCellIsAnOrdinarySearchAndTheSummaryIsComputedFromTheirFronts() throws Exception {
        searchConfig("syn", "");
        Path sweep = sweep("benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES + "seeds = [1, 2]\n");
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", out.toString(),
                "--no-progress");
        assertEquals(0, r.exit(), r.err());
        List<String> ids = List.of("syn/mpic/channel-wise/seed-1", "syn/mpic/channel-wise/seed-2",
                "syn/mpic/layer-wise/seed-1", "syn/mpic/layer-wise/seed-2");
        for (String id : ids) {
            assertTrue(Files.exists(out.resolve(id).resolve("report.html")), id);
            assertTrue(r.out().contains("cell " + id + ": done in "), r.out());
        }
        assertTrue(r.out().contains("summary: " + out + "/{summary.parquet,summary.csv,summary.md,summary.html}"),
                r.out());

        // A cell is the search its settings describe: the same front as `bitsweep search` with them.
        SweepConfig config = SweepConfig.load(sweep);
        SweepCell cell = config.cells().stream().filter(c -> c.id().equals("syn/mpic/layer-wise/seed-2"))
                .findFirst().orElseThrow();
        Path alone = dir.resolve("alone");
        SearchJob.run(cell.settings(), new SearchJob.Options(alone.toString(), false, null, false, null),
                SearchListener.NONE);
        assertEquals(Files.readString(alone.resolve("front.csv")),
                Files.readString(out.resolve(cell.id()).resolve("front.csv")));
        JsonNode run = JSON.readTree(out.resolve(cell.id()).resolve("run.json").toFile());
        assertEquals("per-layer", run.at("/config/bitsweep/search/space/default/granularity").asText());
        assertEquals(2, run.at("/config/bitsweep/search/seed").asLong());

        JsonNode manifest = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals("bitsweep.sweep/1", manifest.path("schema").asText());
        assertEquals(4, manifest.path("cells").size());

        List<Map<String, String>> rows = csv(out.resolve("summary.csv"));
        assertEquals(4, rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("done", row.get("status"), row.toString());
            Path cellDir = out.resolve(row.get("run"));
            List<double[]> cw = front(cellDir);
            double int8 = Double.parseDouble(row.get("int8_quality"));
            double int8Bits = Double.parseDouble(row.get("int8_weight_bits"));
            assertEquals(least(cw, int8, 1), Double.parseDouble(row.get("iso_int8_weight_bits")), 1e-6 * int8Bits);
            assertEquals(100 * (1 - least(cw, int8, 1) / int8Bits),
                    Double.parseDouble(row.get("iso_int8_memory_saving_pct")), 1e-3);
            assertTrue(Double.parseDouble(row.get("float_quality")) > 0, row.toString());
            if (row.get("space").equals("channel-wise")) {
                List<double[]> lw = front(out.resolve(row.get("run").replace("channel-wise", "layer-wise")));
                double best = Double.NEGATIVE_INFINITY;
                for (double[] p : lw) {
                    double mine = least(cw, p[0], 1);
                    if (!Double.isNaN(mine)) {
                        best = Math.max(best, 100 * (1 - mine / least(lw, p[0], 1)));
                    }
                }
                assertEquals("layer-wise", row.get("reference_space"));
                assertEquals(best, Double.parseDouble(row.get("vs_reference_memory_saving_pct")), 1e-3,
                        row.toString());
            } else {
                assertEquals("", row.get("vs_reference_memory_saving_pct"));
            }
        }
        // The Parquet summary holds the same rows.
        List<String> parquetRuns = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
                new org.apache.hadoop.fs.Path(out.resolve("summary.parquet").toUri())).withConf(new Configuration())
                .build()) {
            for (Group g = reader.read(); g != null; g = reader.read()) {
                parquetRuns.add(g.getString("run", 0));
                Map<String, String> row = rows.get(parquetRuns.size() - 1);
                assertEquals(Double.parseDouble(row.get("iso_int8_memory_saving_pct")),
                        g.getDouble("iso_int8_memory_saving_pct", 0), 1e-3);
            }
        }
        assertEquals(rows.stream().map(m -> m.get("run")).toList(), parquetRuns);
        assertTrue(Files.readString(out.resolve("summary.html")).contains("<a href=\"syn/mpic/channel-wise/seed-1/"
                + "report.html\">done</a>"));

        // --summary-only recomputes the same summary from the run directories.
        String before = Files.readString(out.resolve("summary.csv"));
        Files.delete(out.resolve("summary.csv"));
        CliRun again = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", out.toString(),
                "--summary-only");
        assertEquals(0, again.exit(), again.err());
        assertEquals(before, Files.readString(out.resolve("summary.csv")));
    }

    @Test
    void aFailingCellIsRecordedTheOthersRunAndResumeContinuesWhereTheSweepStopped() throws Exception {
        searchConfig("syn", "");
        Path broken = searchConfig("broken", "evaluator = exact\nmodel = \"" + dir.resolve("missing.tflite") + "\"");
        Path sweep = sweep("benchmarks {\n syn { config = \"syn.conf\" }\n broken { config = \"broken.conf\" }\n}\n"
                + SPACES);
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", out.toString(),
                "--no-progress");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("sweep: cell broken/mpic/channel-wise/seed-1 failed: "), r.err());
        assertTrue(r.err().strip().endsWith("error: 2 of 4 cells failed (their errors are above and in " + out
                + "/summary.csv); fix them and continue with --resume --out " + out), r.err());
        List<Map<String, String>> rows = csv(out.resolve("summary.csv"));
        assertEquals(List.of("done", "done", "failed", "failed"), rows.stream().map(m -> m.get("status")).toList());
        assertTrue(rows.get(2).get("error").contains("missing.tflite"), rows.get(2).toString());

        // The sweep "was killed" in the last generation of a cell: its outputs and last generation's marker are gone.
        Path cut = out.resolve("syn/mpic/layer-wise/seed-1");
        String front = Files.readString(cut.resolve("front.csv"));
        Files.delete(cut.resolve("report.html"));
        Files.delete(cut.resolve("front.csv"));
        Files.delete(cut.resolve(RunStore.generationDir(1)).resolve(RunStore.COMPLETE));
        // ...and the user fixed the broken benchmark.
        Files.writeString(broken, Files.readString(dir.resolve("syn.conf")));
        long doneCellModified = Files.getLastModifiedTime(out.resolve("syn/mpic/channel-wise/seed-1/front.csv"))
                .toMillis();

        CliRun resumed = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", out.toString(),
                "--resume", "--no-progress");
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.out().contains("cell 1/4 syn/mpic/channel-wise/seed-1: already done"), resumed.out());
        assertTrue(resumed.out().contains("cell 2/4 syn/mpic/layer-wise/seed-1: resuming"), resumed.out());
        assertTrue(resumed.out().contains("cell 3/4 broken/mpic/channel-wise/seed-1: running"), resumed.out());
        assertEquals(doneCellModified,
                Files.getLastModifiedTime(out.resolve("syn/mpic/channel-wise/seed-1/front.csv")).toMillis());
        assertEquals(front, Files.readString(cut.resolve("front.csv")));
        assertEquals(List.of("done", "done", "done", "done"),
                csv(out.resolve("summary.csv")).stream().map(m -> m.get("status")).toList());
    }

    @Test
    void badSweepConfigsAreOneLineErrorsNamingTheFileAndKey() throws Exception {
        searchConfig("syn", "");
        Map<String, String> cases = Map.of(
                "benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES + "generations = 3\n",
                "bitsweep.sweep.generations is not a sweep key (allowed: benchmarks, name, reference-space, "
                        + "seeds, set, spaces, targets)",
                "benchmarks { syn { config = \"nope.conf\" } }\n" + SPACES,
                "bitsweep.sweep.benchmarks.syn.config: no such search config file: ",
                "benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES.replace("reference-space = layer-wise",
                        "reference-space = bfp"),
                "bitsweep.sweep.reference-space 'bfp' is not one of the spaces (allowed: channel-wise, layer-wise)",
                "benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES.replace("per-channel }",
                        "per-channel, targets = [gpu] }"),
                "bitsweep.sweep.spaces.channel-wise.targets: 'gpu' is not one of the sweep's targets (allowed: mpic)",
                "benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES.replace("per-layer }",
                        "per-layer, population = -4 }"),
                "sweep cell syn/mpic/layer-wise/seed-1 (syn.conf): ");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path sweep = sweep(c.getKey());
            Path out = dir.resolve("bad-out");
            CliRun r = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", out.toString());
            assertEquals(1, r.exit(), c.getKey() + "\n" + r.err());
            assertTrue(r.oneLineError(), r.err());
            assertTrue(r.err().contains(c.getValue()), c.getValue() + " not in " + r.err());
            assertFalse(Files.exists(out), "nothing is written for a bad config: " + out);
        }
        Path sweep = sweep("benchmarks { syn { config = \"syn.conf\" } }\n" + SPACES);
        CliRun noOut = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--resume");
        assertEquals(2, noOut.exit(), noOut.err());
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("x"), "");
        CliRun notEmpty = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", full.toString());
        assertEquals(1, notEmpty.exit(), notEmpty.err());
        assertTrue(notEmpty.err().contains("already exists and is not empty: pass --resume"), notEmpty.err());
        assertArrayEquals(new String[] {"x"}, full.toFile().list());
        CliRun notASweep = CliRun.run(new SweepCommand(), "--config", sweep.toString(), "--out", full.toString(),
                "--summary-only");
        assertEquals(1, notASweep.exit(), notASweep.err());
        assertTrue(notASweep.oneLineError(), notASweep.err());
        assertTrue(notASweep.err().contains(full + " is not a BitSweep sweep directory: no sweep.json"),
                notASweep.err());
        assertArrayEquals(new String[] {"x"}, full.toFile().list());
    }
}
