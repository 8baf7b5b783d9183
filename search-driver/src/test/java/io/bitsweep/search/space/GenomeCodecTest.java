package io.bitsweep.search.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.exact.ModelLayers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Genome -> assignment (and its JSON) -> genome on the real IC ResNet-8 spaces, and the refusals of the way back. */
class GenomeCodecTest {
    static final QuantSettings MSE_SCALES = new QuantSettings(QuantSettings.Calibration.MINMAX,
            QuantSettings.WeightScales.MSE, QuantSettings.Requant.DOUBLE, QuantSettings.Fusion.NONE);

    static SearchSpace space(String config) {
        SearchSettings s = SearchConfigLoader.load(VariationTest.CONF.resolve(config), List.of(), null);
        return SearchSpace.of(s, ModelLayers.of(TfliteImporter.load(Assets.resolve(
                s.model().substring("assets:".length())))));
    }

    static GenomeCodec codec(SearchSpace space) {
        return new GenomeCodec(space, MSE_SCALES, "ab12");
    }

    static String json(GenomeCodec codec, Genome g) {
        return AssignmentJson.write(codec.decode(g));
    }

    static Genome uniform(SearchSpace space, String weights, String activations) {
        return space.uniform(NumberFormat.parse(weights), NumberFormat.parse(activations));
    }

    @Test
    void everyGenomeComesBackFromItsAssignmentAndItsJson() {
        for (String config : List.of("ic-resnet8-mpic.conf", "ic-resnet8-layerwise.conf", "ic-resnet8-bfp.conf")) {
            SearchSpace space = space(config);
            GenomeCodec codec = codec(space);
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < 50; i++) {
                Genome g = space.random(rnd);
                assertEquals(g, codec.encode(codec.decode(g), "decoded"), config);
                assertEquals(g, codec.encode(AssignmentJson.parse(json(codec, g), "a.json"), "a.json"), config);
                assertEquals(codec.decode(g), AssignmentJson.parse(json(codec, g), "a.json"), config);
            }
        }
    }

    @Test
    void theFusionSettingReachesTheAssignment() {
        SearchSpace space = space("ic-resnet8-mpic.conf");
        Genome g = uniform(space, "int8", "int8:asym");
        GenomeCodec fused = new GenomeCodec(space, MSE_SCALES.withFusion(QuantSettings.Fusion.RESIDUAL), null);
        assertEquals(QuantSettings.Fusion.RESIDUAL, AssignmentJson.parse(json(fused, g), "f.json").settings().fusion());
        assertEquals(QuantSettings.Fusion.NONE, AssignmentJson.parse(json(codec(space), g), "n.json").settings().fusion());
    }

    @Test
    void aLayerWiseAssignmentFitsTheChannelWiseSpaceButNotTheOtherWayRound() {
        SearchSpace perLayer = space("ic-resnet8-layerwise.conf");
        SearchSpace perChannel = space("ic-resnet8-mpic.conf");
        Genome lw = perLayer.random(new SplittableRandom(5));
        Assignment lwAssignment = AssignmentJson.parse(json(codec(perLayer), lw), "lw.json");
        Genome inChannelSpace = codec(perChannel).encode(lwAssignment, "lw.json");
        assertEquals(json(codec(perLayer), lw), json(codec(perChannel), inChannelSpace));

        Genome mixed = uniform(perChannel, "int8", "int8:asym");
        byte[] genes = mixed.toBytes();
        LayerSpace conv1 = perChannel.layers().get(1);
        genes[conv1.weightOffset() + 3] = 1;
        Assignment cw = AssignmentJson.parse(json(codec(perChannel), Genome.of(genes)), "cw.json");
        BitSweepException e = assertThrows(BitSweepException.class, () -> codec(perLayer).encode(cw, "cw.json"));
        assertEquals("cw.json: " + conv1.layer().name() + " has per-channel weight formats, but this search gives the "
                + "layer one format (granularity per-layer)", e.getMessage());

        Assignment otherModel = AssignmentJson.parse(json(codec(perChannel), mixed).replace("ab12", "cd34"), "o.json");
        e = assertThrows(BitSweepException.class, () -> codec(perChannel).encode(otherModel, "o.json"));
        assertEquals("o.json: model_sha256 cd34 is not the searched model's (ab12)", e.getMessage());
    }
}
