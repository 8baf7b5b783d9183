package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.search.cli.CliErrors;
import io.bitsweep.search.cli.HwsimCommand;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.space.SearchSpace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The exact evaluator on the real IC ResNet-8 and the first 40 ic01 images, without Spark. */
class ExactProblemTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              hw.target = mpic
              splits { selection = range, disjoint = false }
              splits.calibration { offset = 0, count = 20 }
              splits.evaluation { offset = 0, count = 40 }
            }""";
    /** Every position of the evaluation order. */
    static final SampleRange ALL = new SampleRange(0, Integer.MAX_VALUE);
    static SearchSettings settings;
    static ExactProblem problem;
    static SearchSpace space;

    @BeforeAll
    static void open() {
        settings = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(), null);
        problem = new ExactProblem(settings, Optional.empty());
        space = problem.space();
    }

    @Test
    void layersFollowTheContractNames() {
        List<LayerInfo> layers = problem.layers();
        assertEquals(new LayerInfo("conv_2d_0", 16, 27), layers.get(0));
        assertEquals("fully_connected_0", layers.get(layers.size() - 1).name());
        assertEquals(10, layers.get(layers.size() - 1).outChannels());
        assertEquals(512 * 1024, problem.targetWeightMemoryBytes());
    }

    @Test
    void int8WeightsKeepTheFloatAccuracyAndFewerBitsCostLess() {
        Genome int8 = space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8"));
        Genome int4 = space.uniform(NumberFormat.parse("int4"), NumberFormat.parse("int8"));
        Genome int2 = space.uniform(NumberFormat.parse("int2"), NumberFormat.parse("int8"));
        ExactScorer scorer = problem.scorer(space);
        ExactScorer.Shard shard = scorer.loadShard(0, 1);
        CandidateTally[] t = scorer.score(problem.modelBytes(), shard, new Genome[] {int8, int4, int2}, ALL, () -> { });
        assertEquals(40, t[0].samples());
        double float40 = problem.floatQuality();
        assertTrue(Math.abs(t[0].correct() / 40.0 - float40) <= 1 / 40.0 + 1e-9, t[0].correct() + " vs " + float40);
        assertTrue(t[2].correct() < t[0].correct(), "int2 everywhere must lose accuracy: " + t[2].correct());

        CostModel costs = problem.costModel(space);
        CostModel.Costs c8 = costs.costs(int8, new long[0]);
        CostModel.Costs c4 = costs.costs(int4, new long[0]);
        long weights = problem.layers().stream().mapToLong(l -> (long) l.outChannels() * l.weightsPerChannel()).sum();
        assertTrue(c8.weightBits() >= 8.0 * weights && c8.weightBits() < 8.0 * weights * 1.1, "" + c8.weightBits());
        assertTrue(c4.weightBits() < 0.6 * c8.weightBits());
        assertTrue(c4.cycles() < c8.cycles() && c4.energyPj() < c8.energyPj());
    }

    @Test
    void aCandidateScoresExactlyWhatEvalAssignmentGivesForItsJson(@TempDir Path dir) throws Exception {
        Genome mixed = space.random(new SplittableRandom(5));
        Genome a4 = space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int4"));
        ExactScorer scorer = problem.scorer(space);
        CandidateTally[] t = scorer.score(problem.modelBytes(), scorer.loadShard(0, 1), new Genome[] {mixed, a4},
                ALL, () -> { });
        GenomeCodec codec = new GenomeCodec(space, settings.quantization(), problem.modelSha256());
        Path json = dir.resolve("mixed.json");
        Files.writeString(json, AssignmentJson.write(codec.decode(mixed)));
        Path data = Assets.resolve("data/ic01");
        Model model = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        try (var p = Quantizer.predictor(model, AssignmentJson.read(json), json.toString(), Datasets.open(data), 20)) {
            Evaluation.Result r = Evaluation.run(p, Datasets.open(data), 40, false);
            assertEquals(r.accuracy().correct(), t[0].correct(), "eval --assignment vs the search's tally");
        }
        // Activations are quantized now: int4 activations change the outputs (the loss), not only the cost.
        CandidateTally int8 = scorer.score(problem.modelBytes(), scorer.loadShard(0, 1),
                new Genome[] {space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8"))}, ALL, () -> { })[0];
        assertNotEquals(int8.lossSum(), t[1].lossSum());
    }

    @Test
    void dataDependentTargetsGetActivationStatisticsFromTheShards() {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC),
                List.of("hw.target=stripes-16x16-os", "splits.evaluation.count=4"), null);
        ExactProblem stripes = new ExactProblem(s, Optional.empty());
        SearchSpace sp = SearchSpace.of(s, stripes.layers());
        Genome int8 = sp.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8"));
        ExactScorer scorer = stripes.scorer(sp);
        ExactScorer.Shard[] shards = {scorer.loadShard(0, 2), scorer.loadShard(1, 2)};
        CandidateTally merged = CandidateTally.merge(
                scorer.score(stripes.modelBytes(), shards[0], new Genome[] {int8}, ALL, () -> { })[0],
                scorer.score(stripes.modelBytes(), shards[1], new Genome[] {int8}, ALL, () -> { })[0]);
        long[] stats = merged.activationStats();
        assertEquals(HwCostModel.statisticsLayers(model()).size() * HwCostModel.STATS_PER_LAYER, stats.length);
        assertTrue(stats[0] > 0 && stats[1] > 0 && stats[1] < stats[0], "elements, zeros: " + stats[0] + ", "
                + stats[1]);
        CostModel costs = stripes.costModel(sp);
        // ReLU outputs are about half zeros and narrower than 8 bits: a bit-serial target is faster on real data.
        assertTrue(costs.costs(int8, stats).cycles() < costs.costs(int8, new long[0]).cycles());
        // The static MPIC target ignores them, and scorers for it do not gather them.
        assertEquals(0, problem.scorer(space).score(problem.modelBytes(), scorer.loadShard(0, 2),
                new Genome[] {space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8"))}, ALL, () -> { })[0].activationStats().length);
    }

    @Test
    void hwsimAssignmentCostsExactlyWhatTheSearchCostModelGivesForItsJson(@TempDir Path dir) throws Exception {
        // Scale choices and fusion on, so that the candidates' requantization (shifts, fused ADDs) is compared too.
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC),
                List.of("space.default.scales=[float, pot]", "quantization.fusion=residual"), null);
        SearchSpace sp = SearchSpace.of(s, problem.layers(), ModelLayers.adds(model()));
        GenomeCodec codec = new GenomeCodec(sp, s.quantization(), problem.modelSha256());
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 3; i++) {
            Genome g = i == 0 ? sp.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8"), ScaleChoice.POT)
                    : sp.random(random);
            Path json = dir.resolve("a" + i + ".json");
            Files.writeString(json, AssignmentJson.write(codec.decode(g)));
            for (String target : List.of("mpic", "systolic-16x16-ws", "bfp-16x16-os")) {
                CostModel.Costs c = new HwCostModel(model(), codec, Targets.load(target)).costs(g, new long[0]);
                Path csv = dir.resolve(target + i + ".csv");
                StringWriter err = new StringWriter();
                CommandLine cl = new CommandLine(new HwsimCommand());
                cl.setErr(new PrintWriter(err));
                cl.setOut(new PrintWriter(new StringWriter()));
                cl.setExecutionExceptionHandler(new CliErrors(() -> false));
                int exit = cl.execute("--model", Assets.resolve("models/ic/pretrainedResnet.tflite").toString(),
                        "--target", target, "--assignment", json.toString(), "--csv", csv.toString());
                assertEquals(0, exit, err.toString());
                List<String> rows = Files.readAllLines(csv);
                String[] total = rows.stream().filter(l -> l.startsWith("total,")).findFirst().orElseThrow()
                        .split(",");
                assertEquals(c.cycles(), Long.parseLong(total[5]), target + " total_cycles, genome " + i);
                assertEquals(c.energyPj(), Double.parseDouble(total[8]), 0.0005, target + " energy_pj, genome " + i);
                if (i == 0) {
                    // All int8:pot, fused: conv_2d_0 reads the int8:asym input; the fused ADDs cost nothing.
                    assertTrue(rows.stream().anyMatch(r -> r.startsWith("add_0,add,0,0,0,0,")), String.join("\n", rows));
                }
            }
        }
    }

    @Test
    void aFormatTheExactEngineCannotRunIsAConfigErrorNamingLayerAndFormat() {
        SearchSettings bad = SearchConfigLoader.load(ConfigFactory.parseString(IC),
                List.of("space.default.weights=[int8, fp32]"), null);
        String msg = assertThrows(BitSweepException.class, () -> new ExactProblem(bad, Optional.empty())).getMessage();
        assertTrue(msg.startsWith("bitsweep.search.space: the exact evaluator cannot run") && msg.contains("conv_2d_0")
                && msg.contains("fp32"), msg);
    }

    static Model model() {
        return TfliteImporter.read(problem.modelBytes(), "ic");
    }

    @Test
    void unknownHardwareTargetIsNamed() {
        SearchSettings bad = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of("hw.target=tpu9"), null);
        String msg = assertThrows(BitSweepException.class, () -> new ExactProblem(bad, Optional.empty())).getMessage();
        assertTrue(msg.contains("bitsweep.search.hw.target") && msg.contains("tpu9") && msg.contains("mpic"), msg);
    }

    @Test
    void modelAndDataThatDoNotMatchAreRefused() {
        SearchSettings bad = SearchConfigLoader.load(ConfigFactory.parseString(IC),
                List.of("data=\"assets:data/kws01\""), null);
        String msg = assertThrows(BitSweepException.class, () -> new ExactProblem(bad, Optional.empty())).getMessage();
        assertTrue(msg.contains("do not match"), msg);
    }

    /** A local MLPerf Tiny data directory holding ic01's samples {@code from..from+count-1}. */
    static void writeIcSubset(Path dir, int from, int count) throws Exception {
        Path ic01 = Assets.dir().resolve("data/ic01");
        List<String> lines = Files.readAllLines(ic01.resolve("y_labels.csv")).subList(from, from + count);
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(dir);
        for (String line : lines) {
            String file = line.substring(0, line.indexOf(','));
            Files.copy(ic01.resolve(file), dir.resolve(file));
        }
        Files.write(dir.resolve("y_labels.csv"), lines);
    }

    @Test
    void calibrationIsCachedByDataContentNotByLocation(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        List<String> sets = List.of("data=\"" + data + "\"", "splits.calibration.count=8", "splits.evaluation.count=8");
        Model model = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));

        writeIcSubset(data, 0, 16);
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC), sets, null);
        ExactScorer first = new ExactProblem(s, Optional.empty()).scorer(space);
        var firstObservations = first.calibration(model);
        assertTrue(firstObservations == first.calibration(model), "cached within one data set");

        writeIcSubset(data, 16, 16); // other images at the same path, e.g. a data set regenerated in place
        ExactScorer second = new ExactProblem(s, Optional.empty()).scorer(space);
        assertTrue(firstObservations != second.calibration(model), "observations of other data reused");
    }
}
