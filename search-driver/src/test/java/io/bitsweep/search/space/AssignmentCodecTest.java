package io.bitsweep.search.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.exact.ModelLayers;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Genome -> assignment JSON -> genome on the real IC ResNet-8 spaces, and the refusals of the way back. */
class AssignmentCodecTest {
    static SearchSpace space(String config) {
        SearchSettings s = SearchConfigLoader.load(VariationTest.CONF.resolve(config), List.of(), null);
        return SearchSpace.of(s, ModelLayers.of(TfliteImporter.load(Assets.resolve(
                s.model().substring("assets:".length())))));
    }

    static AssignmentCodec codec(SearchSpace space) {
        return new AssignmentCodec(space, new SearchSettings.Quantization("minmax", 99.99, "mse", "double", "none"), "ab12");
    }

    @Test
    void everyGenomeComesBackFromItsAssignment() {
        for (String config : List.of("ic-resnet8-mpic.conf", "ic-resnet8-layerwise.conf", "ic-resnet8-bfp.conf")) {
            SearchSpace space = space(config);
            AssignmentCodec codec = codec(space);
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < 50; i++) {
                Genome g = space.random(rnd);
                assertEquals(g, codec.toGenome(Assignment.parse(codec.toJsonString(g), "a.json"), "a.json"), config);
            }
        }
    }

    @Test
    void theFusionSettingReachesTheAssignment() {
        SearchSpace space = space("ic-resnet8-mpic.conf");
        Genome g = space.uniform("int8", "int8:asym");
        AssignmentCodec fused = new AssignmentCodec(space,
                new SearchSettings.Quantization("minmax", 99.99, "mse", "double", "residual"), null);
        assertEquals(Assignment.Fusion.RESIDUAL, Assignment.parse(fused.toJsonString(g), "f.json").fusion());
        assertEquals(Assignment.Fusion.NONE, Assignment.parse(codec(space).toJsonString(g), "n.json").fusion());
    }

    @Test
    void aLayerWiseAssignmentFitsTheChannelWiseSpaceButNotTheOtherWayRound() {
        SearchSpace perLayer = space("ic-resnet8-layerwise.conf");
        SearchSpace perChannel = space("ic-resnet8-mpic.conf");
        Genome lw = perLayer.random(new SplittableRandom(5));
        Assignment lwAssignment = Assignment.parse(codec(perLayer).toJsonString(lw), "lw.json");
        Genome inChannelSpace = codec(perChannel).toGenome(lwAssignment, "lw.json");
        assertEquals(codec(perLayer).toJson(lw), codec(perChannel).toJson(inChannelSpace));

        Genome mixed = perChannel.uniform("int8", "int8:asym");
        byte[] genes = mixed.toBytes();
        LayerSpace conv1 = perChannel.layers().get(1);
        genes[conv1.weightOffset() + 3] = 1;
        Assignment cw = Assignment.parse(codec(perChannel).toJsonString(Genome.of(genes)), "cw.json");
        BitSweepException e = assertThrows(BitSweepException.class, () -> codec(perLayer).toGenome(cw, "cw.json"));
        assertEquals("cw.json: " + conv1.layer().name() + " has per-channel weight formats, but this search gives the "
                + "layer one format (granularity per-layer)", e.getMessage());

        Assignment otherModel = Assignment.parse(codec(perChannel).toJsonString(mixed).replace("ab12", "cd34"), "o.json");
        e = assertThrows(BitSweepException.class, () -> codec(perChannel).toGenome(otherModel, "o.json"));
        assertEquals("o.json: model_sha256 cd34 is not the searched model's (ab12)", e.getMessage());
    }
}
