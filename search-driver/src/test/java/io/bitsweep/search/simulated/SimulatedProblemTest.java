package io.bitsweep.search.simulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.space.SearchSpace;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulated evaluator on the real IC ResNet-8 and the first 40 ic01 images, without Spark. */
class SimulatedProblemTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              hw.target = mpic
              splits.evaluation { offset = 0, count = 40 }
            }""";
    static SearchSettings settings;
    static SimulatedProblem problem;
    static SearchSpace space;

    @BeforeAll
    static void open() {
        settings = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(), null);
        problem = new SimulatedProblem(settings);
        space = SearchSpace.of(settings, problem.layers());
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
        Genome int8 = space.uniform("int8", "int8");
        Genome int4 = space.uniform("int4", "int8");
        Genome int2 = space.uniform("int2", "int8");
        SimulatedScorer scorer = (SimulatedScorer) problem.scorer(space);
        SimulatedScorer.Shard shard = scorer.loadShard(0, 1);
        CandidateTally[] t = scorer.score(problem.modelBytes(), shard, new Genome[] {int8, int4, int2}, () -> { });
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
    void unknownHardwareTargetIsNamed() {
        SearchSettings bad = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of("hw.target=tpu9"), null);
        String msg = assertThrows(BitSweepException.class, () -> new SimulatedProblem(bad)).getMessage();
        assertTrue(msg.contains("bitsweep.search.hw.target") && msg.contains("tpu9") && msg.contains("mpic"), msg);
    }

    @Test
    void modelAndDataThatDoNotMatchAreRefused() {
        SearchSettings bad = SearchConfigLoader.load(ConfigFactory.parseString(IC),
                List.of("data=\"assets:data/kws01\""), null);
        String msg = assertThrows(BitSweepException.class, () -> new SimulatedProblem(bad)).getMessage();
        assertTrue(msg.contains("do not match"), msg);
    }
}
