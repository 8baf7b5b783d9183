package io.bitsweep.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.GenerationSummary;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.ScoredTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search job with the synthetic problem on the local runner (no Spark: SearchDeterminismTest and the cluster
 * test cover Spark): run store, provenance, resume, refusal of foreign runs, warm starts.
 */
class SearchJobTest {
    /** synthetic.conf with {@code --set}-style overrides; its runner is local. */
    static SearchSettings settings(String... sets) {
        return SearchConfigLoader.load(ConfigFactory.parseResources("synthetic.conf"), List.of(sets), null);
    }

    static SearchJob.Result run(SearchSettings s, Path out, boolean resume, SearchListener l) {
        return SearchJob.run(s, new SearchJob.Options(out.toString(), resume, null, false, null), l);
    }

    @Test
    void writesTheRunStoreAndTheFront(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        List<GenerationSummary> lines = new ArrayList<>();
        SearchJob.Result r = run(settings(), out, false, new SearchListener() {
            @Override
            public void generationFinished(GenerationResult result) {
                lines.add(result.summary());
            }
        });
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).line().startsWith("gen 0/3: 12 evaluated, front "), lines.get(0).line());
        for (int g = 0; g < 4; g++) {
            for (String f : List.of("population.parquet", "evaluations.parquet", "archive.parquet", "summary.json",
                    "_COMPLETE")) {
                assertTrue(Files.exists(out.resolve(RunStore.generationDir(g)).resolve(f)), g + "/" + f);
            }
            JsonNode summary = new ObjectMapper().readTree(
                    out.resolve(RunStore.generationDir(g)).resolve(RunStore.SUMMARY).toFile());
            assertEquals(lines.get(g).hypervolume(), summary.get("hypervolume").asDouble(), "gen " + g);
            assertEquals(g, summary.get("generation").asInt());
        }
        assertTrue(Files.exists(out.resolve("run.json")));
        try (var files = Files.walk(out)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".crc")).toList(),
                    "no checksum side files in a run directory");
        }
        assertTrue(Files.size(out.resolve("front.png")) > 1000);
        assertTrue(Files.readString(out.resolve("report.html")).contains("best/"));
        List<String> csv = Files.readAllLines(out.resolve("front.csv"));
        assertEquals(r.archive().size() + 1, csv.size());
        assertTrue(r.archive().size() >= 2 && r.archive().size() <= 10, "archive size " + r.archive().size());
        for (Scored s : r.archive().points()) {
            String json = Files.readString(out.resolve("best/" + s.id() + ".json"));
            assertTrue(json.contains("\"schema\" : \"bitsweep.assignment/1\""), json);
            assertTrue(s.fitness().feasible());
        }
        // The archive never exceeds archive.max-size (10). Here it is full from generation 1 on, and shrinking it by
        // crowding distance may lower its hypervolume, as in NSGA-II; that an archive with room never loses
        // hypervolume is FrontsTest's.
        for (int g = 1; g < 4; g++) {
            int size = new ObjectMapper().readTree(out.resolve(RunStore.generationDir(g)).resolve(RunStore.SUMMARY)
                    .toFile()).get("archive_size").asInt();
            assertTrue(size >= 2 && size <= 10, "gen " + g + ": archive of " + size);
        }
        List<ScoredTable.Row> evals = r.store().readTable(0, "evaluations");
        assertEquals(12, evals.size());
        assertEquals("baseline:w=int8,a=int8", evals.get(0).candidate().origin());
        assertEquals(200, evals.get(0).fitness().samples(), "240 samples less the 40 calibration ones");
    }

    @Test
    void everyBestAssignmentAndParquetTableCarriesTheRunsProvenance(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        SearchJob.Result r = run(settings("generations=1"), out, false, SearchListener.NONE);
        JsonNode runJson = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        String runId = runJson.get("run_id").asText();
        assertTrue(runId.matches("[0-9a-f-]{36}"), runId);
        for (Scored p : r.archive().points()) {
            AssignmentJson.Document doc = AssignmentJson.readDocument(out.resolve("best/" + p.id() + ".json"));
            Map<String, String> prov = doc.provenance();
            assertEquals(runId, prov.get("run_id"), p.id());
            assertEquals(runJson.get("config_sha256").asText(), prov.get("config_sha256"));
            assertTrue(prov.get("config_sha256").matches("[0-9a-f]{64}"), prov.toString());
            assertEquals("7", prov.get("seed"));
            assertEquals("synthetic-model", prov.get("model_sha256"));
            assertEquals("synthetic-data-240", prov.get("data_sha256"));
            assertEquals(System.getProperty("java.version"), prov.get("java_version"));
            assertEquals("none (local runner)", prov.get("spark_version"));
            assertTrue(prov.get("code_version").matches("[0-9a-f]{40}(-dirty)?|unknown"), prov.toString());
            assertEquals(Set.of("run_id", "config_sha256", "seed", "model_sha256", "data_sha256", "bitsweep_version",
                    "code_version", "java_version", "spark_version"), prov.keySet());
        }
        for (String t : List.of("population", "evaluations", "archive")) {
            Map<String, String> meta = r.store().tableMetadata(0, t);
            assertEquals(runId, meta.get("bitsweep.run_id"), t);
            assertEquals("7", meta.get("bitsweep.seed"), t);
            assertEquals("synthetic-data-240", meta.get("bitsweep.data_sha256"), t);
        }
    }

    @Test
    void resumeAfterAKillEndsWithTheSameArchive(@TempDir Path dir) throws Exception {
        SearchSettings s = settings();
        SearchJob.Result straight = run(s, dir.resolve("straight"), false, SearchListener.NONE);

        Path out = dir.resolve("killed");
        class Killed extends RuntimeException {}
        assertThrows(Killed.class, () -> run(s, out, false, new SearchListener() {
            @Override
            public void generationStarted(int generation, int generations, long evaluations) {
                if (generation == 2) {
                    throw new Killed();
                }
            }
        }));
        assertEquals(1, RunStore.at(out.toString(), new org.apache.hadoop.conf.Configuration()).lastCompleteGeneration());
        List<Integer> resumedAfter = new ArrayList<>();
        SearchJob.Result resumed = run(s, out, true, new SearchListener() {
            @Override
            public void resumed(int last) {
                resumedAfter.add(last);
            }
        });
        assertEquals(List.of(1), resumedAfter);
        assertEquals(Files.readString(dir.resolve("straight/front.csv")), Files.readString(out.resolve("front.csv")));
        assertEquals(straight.hypervolumes(), resumed.hypervolumes());
        for (int g = 0; g < 4; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(straight.store().readTable(g, t), resumed.store().readTable(g, t), g + " " + t);
            }
        }
    }

    @Test
    void refusesAnExistingDirectoryWithoutResume(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("something"), "x");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> run(settings(), dir, false, SearchListener.NONE));
        assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void refusesToResumeWithADifferentConfigNamingTheKeys(@TempDir Path dir) {
        Path out = dir.resolve("run");
        run(settings("generations=1"), out, false, SearchListener.NONE);
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> run(settings("generations=3", "population=14", "seed=8"), out, true, SearchListener.NONE));
        assertTrue(e.getMessage().contains("bitsweep.search.population (was 12, now 14)"), e.getMessage());
        assertTrue(e.getMessage().contains("bitsweep.search.seed (was 7, now 8)"), e.getMessage());
        assertFalse(e.getMessage().contains("generations"), e.getMessage());
    }

    @Test
    void initFromAnotherRunEvaluatesItsWholeFrontAndKeepsOrBeatsIt(@TempDir Path dir) throws Exception {
        Path layerWise = dir.resolve("layerwise");
        SearchJob.Result lw = run(settings("space.default.granularity=per-layer", "generations=3",
                "archive.max-size=64"), layerWise, false, SearchListener.NONE);
        SearchJob.Result cw = run(settings("generations=2", "archive.max-size=64",
                "init-from=[\"" + layerWise + "\"]"), dir.resolve("channelwise"), false, SearchListener.NONE);

        List<ScoredTable.Row> gen0 = cw.store().readTable(0, "evaluations");
        for (Scored p : lw.archive().points()) {
            ScoredTable.Row seeded = gen0.stream()
                    .filter(r -> r.candidate().origin().equals("init:layerwise/" + p.id())).findFirst()
                    .orElseThrow(() -> new AssertionError("front point " + p.id() + " not in generation 0"));
            // The same assignment on the same problem scores the same, so nothing of the seed's front is lost...
            assertEquals(p.fitness(), seeded.fitness(), p.id());
            // ...and the warm-started archive holds, for each seed point, a point at least as good in every objective.
            assertTrue(cw.archive().points().stream().anyMatch(q -> weaklyDominates(q, p)), p.id());
        }
        assertTrue(gen0.size() >= 12, "population filled up behind the seeds: " + gen0.size());
    }

    private static boolean weaklyDominates(Scored a, Scored b) {
        for (int i = 0; i < a.objectives().length; i++) {
            if (a.objectives()[i] > b.objectives()[i]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void initFromAnAssignmentOutsideTheSpaceNamesLayerAndAllowedFormats(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"schema\": \"bitsweep.assignment/1\", \"defaults\": {\"weights\": \"int8\", "
                + "\"activations\": \"int8\"}, \"layers\": {\"fully_connected_0\": {\"weights\": \"int2\"}}}");
        BitSweepException e = assertThrows(BitSweepException.class, () -> run(
                settings("init-from=[\"" + bad + "\"]"), dir.resolve("run"), false, SearchListener.NONE));
        assertEquals("init-from bad.json: fully_connected_0.weights 'int2' is not in this search space (allowed: "
                + "int8, int4)", e.getMessage());
        assertFalse(Files.exists(dir.resolve("run")), "a refused start leaves no run directory to trip over");

        BitSweepException missing = assertThrows(BitSweepException.class, () -> run(
                settings("init-from=[\"" + dir.resolve("nothing") + "\"]"), dir.resolve("run2"), false,
                SearchListener.NONE));
        assertTrue(missing.getMessage().contains("is neither a run directory with a front.csv nor an assignment JSON"),
                missing.getMessage());
    }

    @Test
    void runStoreOnAnotherHadoopSchemeExtendsAndWarmStartsLikeOnLocalDisk(@TempDir Path dir) throws Exception {
        SearchSettings s = settings("generations=2");
        run(s, dir.resolve("local"), false, SearchListener.NONE);
        String remote = io.bitsweep.search.data.ForeignSchemeFileSystem.uri(dir.resolve("remote"));
        SearchJob.run(settings("generations=1"), new SearchJob.Options(remote, false, null, false, null),
                SearchListener.NONE);
        // A finished run extended by --resume with more generations (the one key a resume may change) ends as if
        // it had been asked for them from the start.
        SearchJob.Result resumed = SearchJob.run(s, new SearchJob.Options(remote, true, null, false, null),
                SearchListener.NONE);
        assertTrue(resumed.store().location().startsWith("bsfs:/"), resumed.store().location());
        assertEquals(Files.readString(dir.resolve("local/front.csv")), Files.readString(dir.resolve("remote/front.csv")));
        for (String t : List.of("population", "evaluations", "archive")) {
            assertEquals(RunStore.at(dir.resolve("local").toString(), new org.apache.hadoop.conf.Configuration())
                    .readTable(1, t), resumed.store().readTable(1, t), t);
        }
        SearchJob.Result warm = run(settings("generations=1", "init-from=[\"" + remote + "\"]"), dir.resolve("warm"),
                false, SearchListener.NONE);
        assertTrue(warm.store().readTable(0, "evaluations").stream()
                .anyMatch(r -> r.candidate().origin().startsWith("init:remote/")));
    }

    @Test
    void resumesARunCreatedBeforeAKeyExistedOnlyIfTheKeyIsAtItsDefault(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        run(settings("generations=1"), out, false, SearchListener.NONE);
        // As if the run predates quantization.fusion: its run.json has no such key.
        com.fasterxml.jackson.databind.node.ObjectNode runJson =
                (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(out.resolve("run.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) runJson.path("config").path("bitsweep").path("search")
                .path("quantization")).remove("fusion");
        Files.writeString(out.resolve("run.json"), runJson.toString());

        BitSweepException e = assertThrows(BitSweepException.class, () -> run(
                settings("generations=2", "quantization.fusion=residual"), out, true, SearchListener.NONE));
        assertTrue(e.getMessage().endsWith("differs in bitsweep.search.quantization.fusion (was null, now \"residual\")"),
                e.getMessage());
        assertEquals(2, run(settings("generations=2"), out, true, SearchListener.NONE).hypervolumes().size());
    }
}
