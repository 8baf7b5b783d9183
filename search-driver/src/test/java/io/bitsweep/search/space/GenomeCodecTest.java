package io.bitsweep.search.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.search.config.ScaleChoice;
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

    static SearchSpace space(String config, String... sets) {
        SearchSettings s = SearchConfigLoader.load(VariationTest.CONF.resolve(config), List.of(sets), null);
        Model model = TfliteImporter.load(Assets.resolve(s.model().substring("assets:".length())));
        return SearchSpace.of(s, ModelLayers.of(model), ModelLayers.adds(model));
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
    void aPotScaleGeneGivesTheLayerPotFormatsAndAddsBetweenPotLayersWriteInt8Pot() {
        SearchSpace space = space("ic-resnet8-mpic.conf", "space.default.scales=[float, pot]");
        GenomeCodec codec = codec(space);
        assertEquals(space.layers().get(1).activationGene() + 1, space.layers().get(1).scaleGene());
        Genome pot = space.uniform(NumberFormat.parse("int4"), NumberFormat.parse("int8:asym"), ScaleChoice.POT);
        Assignment a = codec.decode(pot);
        assertEquals("int4:pot", a.layers().get("conv_2d_1").weights().get(0).spec());
        assertEquals("int8:asym:pot", a.layers().get("conv_2d_1").activations().spec());
        for (String add : List.of("add_0", "add_1", "add_2")) {
            assertEquals(new Assignment.Layer(null, false, NumberFormat.parse("int8:pot")), a.layers().get(add), add);
        }
        // conv_2d_0 back to float scales: add_0 reads its output and writes int8 (the default, not listed); add_1
        // reads conv_2d_4 and conv_2d_5, still pot.
        byte[] genes = pot.toBytes();
        genes[space.layers().get(0).scaleGene()] = 0;
        Assignment mixed = codec.decode(Genome.of(genes));
        assertEquals("int4", mixed.layers().get("conv_2d_0").weights().get(0).spec());
        assertEquals(null, mixed.layers().get("add_0"));
        assertEquals(NumberFormat.parse("int8:pot"), mixed.layers().get("add_1").activations());
        SplittableRandom rnd = new SplittableRandom(4);
        for (int i = 0; i < 50; i++) {
            Genome g = i == 0 ? pot : space.random(rnd);
            assertEquals(g, codec.encode(AssignmentJson.parse(json(codec, g), "a.json"), "a.json"));
        }
        // An ADD entry the space would not derive is refused, naming it and what it must be.
        Assignment wrongAdd = AssignmentJson.parse(json(codec, pot).replace("\"add_1\" : {\n      \"activations\" : "
                + "\"int8:pot\"", "\"add_1\" : {\n      \"activations\" : \"int8\""), "w.json");
        BitSweepException e = assertThrows(BitSweepException.class, () -> codec.encode(wrongAdd, "w.json"));
        assertEquals("w.json: add_1 must be {\"activations\": \"int8:pot\"} in this search (an ADD writes int8, or "
                + "int8:pot when both its inputs have power-of-two scales)", e.getMessage());
        // A pot assignment does not fit a space without the pot choice.
        e = assertThrows(BitSweepException.class, () -> codec(space("ic-resnet8-mpic.conf")).encode(a, "p.json"));
        assertEquals("p.json: conv_2d_0.weights 'int4:pot' is not in this search space (allowed: int8, int4)",
                e.getMessage());
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
