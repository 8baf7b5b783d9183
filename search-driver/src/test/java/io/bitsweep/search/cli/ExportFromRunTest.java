package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.store.SplitsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep export --run RUN --point ID} on every front point of a short real search (IC ResNet-8, exact
 * evaluator, local runner): the command report.html shows works; the library computes the bytes
 * {@code eval --splits --assignment best/<id>.json --save-outputs} does; its header carries the run's provenance; its
 * weight bytes are within docs/EXPORT.md's overhead of the point's weight-memory objective.
 */
class ExportFromRunTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              runner = local
              hw.target = mpic
              population = 6
              generations = 1
              shards = 2
              splits.calibration.samples = 16
              splits.evaluation.samples = 40
              profile.samples = 20
              constraints.max-accuracy-drop = -1
            }""";
    private static final Path MODEL = Assets.resolve("models/ic/pretrainedResnet.tflite");
    private static final Path DATA = Assets.resolve("data/ic01");

    @TempDir
    static Path dir;
    static Path runDir;
    static SearchJob.Result result;

    @BeforeAll
    static void search() {
        ExportCCommandTest.assumeCToolchain();
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(), null);
        runDir = dir.resolve("run");
        result = SearchJob.run(s, new SearchJob.Options(runDir.toString(), false, null, false, null),
                SearchListener.NONE);
    }

    @Test
    void everyFrontPointExportsToTheBytesEvalComputes() throws Exception {
        String report = Files.readString(runDir.resolve("report.html"));
        Model model = ModelFiles.load(MODEL);
        int channels = 0;
        int layers = 0;
        int firstLayerChannels = 0;
        for (Op op : model.quantizableLayers()) {
            channels += model.outputChannels(op);
            layers++;
            firstLayerChannels += op.input(0) == model.input().index() ? model.outputChannels(op) : 0;
        }
        assertTrue(result.archive().size() >= 2, "front of " + result.archive().size());
        for (Scored p : result.archive().points()) {
            String id = p.id();
            String shown = "bin/bitsweep export --run " + runDir + " --point " + id + " --format c --out export-" + id;
            assertTrue(report.contains(shown), "report.html shows no " + shown);
            Path out = dir.resolve("export-" + id);
            CliRun x = CliRun.run(new ExportCommand(), "--run", runDir.toString(), "--point", id, "--format", "c",
                    "--out", out.toString());
            assertEquals(0, x.exit(), id + ": " + x.err());
            Path in = dir.resolve(id + "-in.npy");
            Path expected = dir.resolve(id + "-expected.npy");
            Path actual = dir.resolve(id + "-actual.npy");
            CliRun e = CliRun.run(new EvalCommand(), "--model", MODEL.toString(), "--data", DATA.toString(),
                    "--splits", runDir.resolve(SplitsFile.NAME).toString(), "--assignment",
                    runDir.resolve("best/" + id + ".json").toString(), "--save-inputs", in.toString(),
                    "--save-outputs", expected.toString());
            assertEquals(0, e.exit(), id + ": " + e.err());
            run(out, "make", "-s", "-C", out.toString());
            run(out, out.resolve("bitsweep_run").toString(), in.toString(), actual.toString());
            assertEquals(Npy.read(expected).data(), Npy.read(actual).data(), id);

            String header = Files.readString(out.resolve("bitsweep_model.h"));
            String runId = new com.fasterxml.jackson.databind.ObjectMapper().readTree(runDir.resolve("run.json")
                    .toFile()).path("run_id").asText();
            assertTrue(header.contains("#define BITSWEEP_RUN_ID \"" + runId + "\""), header);
            assertTrue(header.contains("#define BITSWEEP_POINT \"" + id + "\""), header);
            for (String key : List.of("CONFIG_SHA256", "MODEL_SHA256", "DATA_SHA256")) {
                assertTrue(Pattern.compile("#define BITSWEEP_" + key + " \"[0-9a-f]{64}\"").matcher(header).find(),
                        key + " in " + header);
            }
            // docs/EXPORT.md: at most the objective, plus one shift byte per channel, one padding byte per layer, and
            // a pot first layer's multipliers (its input, the data's int8:asym, has no power-of-two scale)
            long weightBytes = define(header, "BITSWEEP_WEIGHT_BYTES");
            double objectiveBytes = p.fitness().weightBits() / 8;
            assertTrue(weightBytes <= Math.ceil(objectiveBytes) + channels + layers + 4L * firstLayerChannels,
                    id + ": " + weightBytes + " weight bytes, objective " + objectiveBytes);
            assertTrue(weightBytes >= 0.5 * objectiveBytes, id + ": " + weightBytes + " bytes, objective "
                    + objectiveBytes);
        }
    }

    @Test
    void badRunPointsAreOneLineErrors() {
        Path out = dir.resolve("never");
        CliRun r = CliRun.run(new ExportCommand(), "--run", runDir.toString(), "--point", "no-such-point", "--format",
                "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("has no front point no-such-point"), r.err());
        r = CliRun.run(new ExportCommand(), "--run", dir.resolve("nothing").toString(), "--point", "x", "--format",
                "c", "--out", out.toString());
        assertTrue(r.oneLineError() && r.err().contains("is not a BitSweep run directory"), r.err());
        r = CliRun.run(new ExportCommand(), "--run", runDir.toString(), "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--run and --point go together"), r.err());
        r = CliRun.run(new ExportCommand(), "--run", runDir.toString(), "--point", "x", "--calibration-samples", "8",
                "--format", "c", "--out", out.toString());
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("do not give --calibration-samples"), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }

    static long define(String header, String name) {
        Matcher m = Pattern.compile("#define " + name + " (\\d+)").matcher(header);
        assertTrue(m.find(), name + " in " + header);
        return Long.parseLong(m.group(1));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output;
        try (var r = p.inputReader()) {
            output = r.lines().collect(Collectors.joining("\n"));
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }
}
