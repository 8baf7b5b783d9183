package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The search's two requantization choices through the whole cost path (genome, assignment, workload, target), on
 * the real IC ResNet-8 and every shipped target, over random candidates (fixed seed): turning one layer's scale gene
 * from float to pot never costs more cycles, energy or weight bits, and fusing the residual ADDs never costs more
 * cycles or energy. (hw-sim's MonotonicityPropertyTest shows the same for hand-made workloads; this shows that the
 * bridge keeps it: a pot gene only ever turns requantization forms from fixed-point to power-of-two.)
 */
class RequantizationChoicesMonotonicityTest {
    private static final int CANDIDATES = 12;

    @Test
    void potScalesAndFusionNeverCostMoreOnAnyShippedTarget() {
        Model model = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(
                "bitsweep.search { model = m, data = d, space.default.scales = [float, pot] }"), List.of(), null);
        SearchSpace space = SearchSpace.of(s, ModelLayers.of(model), ModelLayers.adds(model));
        GenomeCodec unfused = new GenomeCodec(space, s.quantization(), null);
        GenomeCodec fused = new GenomeCodec(space, s.quantization().withFusion(QuantSettings.Fusion.RESIDUAL), null);
        SplittableRandom rnd = new SplittableRandom(19);
        int comparisons = 0;
        for (String name : Targets.SHIPPED) {
            Target t = Targets.load(name);
            CostModel plain = new HwCostModel(model, unfused, t);
            CostModel withFusion = new HwCostModel(model, fused, t);
            for (int n = 0; n < CANDIDATES; n++) {
                Genome g = space.random(rnd);
                LayerSpace ls = space.layers().get(rnd.nextInt(space.layers().size()));
                byte[] genes = g.toBytes();
                genes[ls.scaleGene()] = (byte) ls.scales().indexOf(ScaleChoice.FLOAT);
                Genome floatLayer = Genome.of(genes);
                genes[ls.scaleGene()] = (byte) ls.scales().indexOf(ScaleChoice.POT);
                Genome potLayer = Genome.of(genes);
                String what = name + " candidate " + n + ", " + ls.layer().name() + " float -> pot";
                assertNoMore(plain.costs(floatLayer, new long[0]), plain.costs(potLayer, new long[0]), what, true);
                assertNoMore(plain.costs(g, new long[0]), withFusion.costs(g, new long[0]),
                        name + " candidate " + n + " unfused -> fused", false);
                comparisons += 2;
            }
        }
        assertTrue(comparisons >= 2 * CANDIDATES * Targets.SHIPPED.size());
    }

    private static void assertNoMore(CostModel.Costs before, CostModel.Costs after, String what, boolean weights) {
        assertTrue(after.cycles() <= before.cycles(), what + ": cycles " + before.cycles() + " -> " + after.cycles());
        assertTrue(after.energyPj() <= before.energyPj() + 1e-6, what + ": energy " + before.energyPj() + " -> "
                + after.energyPj());
        if (weights) {
            assertTrue(after.weightBits() <= before.weightBits(), what + ": weight bits " + before.weightBits()
                    + " -> " + after.weightBits());
        }
    }
}
