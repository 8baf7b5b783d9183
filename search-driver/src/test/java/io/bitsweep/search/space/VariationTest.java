package io.bitsweep.search.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.exact.ModelLayers;
import io.bitsweep.search.operators.VariationOperators;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Mutation on the real IC ResNet-8 per-channel space (hundreds of weight genes, ten activation genes). */
class VariationTest {
    static final Path CONF = Path.of(System.getProperty("bitsweep.repo", "..")).resolve("conf/search");

    @Test
    void activationFormatsMoveAboutOncePerChildWhateverTheChannelCount() {
        SearchSettings s = SearchConfigLoader.load(CONF.resolve("ic-resnet8-mpic.conf"), List.of(), null);
        SearchSpace space = SearchSpace.of(s, ModelLayers.of(TfliteImporter.load(Assets.resolve(
                s.model().substring("assets:".length())))));
        assertTrue(space.genomeLength() > 20 * space.layers().size(), "a per-channel genome: " + space.genomeLength());
        VariationOperators variation = new VariationOperators(space, s.variation());
        Genome parent = space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8:asym"));
        SplittableRandom rnd = new SplittableRandom(7);
        int children = 2000;
        int activationChanged = 0;
        for (int i = 0; i < children; i++) {
            Genome child = variation.mutate(parent, rnd);
            for (LayerSpace ls : space.layers()) {
                if (child.gene(ls.activationGene()) != parent.gene(ls.activationGene())) {
                    activationChanged++;
                    break;
                }
            }
        }
        // Default rate 1/layers: P(some activation moves) = 1 - (1 - 1/L)^L, about 0.65 for L = 10. At the channel
        // rate (1 / genome length) it would be about 0.015.
        double share = activationChanged / (double) children;
        assertTrue(share > 0.5 && share < 0.8, "share of children with a new activation format: " + share);
    }

    @Test
    void scaleGenesMoveAtTheActivationRateAndCrossOverPerLayer() {
        SearchSettings s = SearchConfigLoader.load(CONF.resolve("ic-resnet8-mpic.conf"),
                List.of("space.default.scales=[float, pot]", "variation.crossover-unit=layer"), null);
        SearchSpace space = SearchSpace.of(s, ModelLayers.of(TfliteImporter.load(Assets.resolve(
                s.model().substring("assets:".length())))));
        VariationOperators variation = new VariationOperators(space, s.variation());
        Genome floatScales = space.uniform(NumberFormat.parse("int8"), NumberFormat.parse("int8:asym"));
        Genome potScales = space.uniform(NumberFormat.parse("int4"), NumberFormat.parse("int4:asym"), ScaleChoice.POT);
        SplittableRandom rnd = new SplittableRandom(8);
        int children = 2000;
        int scaleChanged = 0;
        for (int i = 0; i < children; i++) {
            Genome child = space.check(variation.mutate(floatScales, rnd));
            if (space.layers().stream().anyMatch(ls -> ls.scale(child) != ScaleChoice.FLOAT)) {
                scaleChanged++;
            }
            // Whole layers cross over: a layer's weights, activation and scale come from the same parent.
            Genome mixed = variation.crossover(floatScales, potScales, rnd);
            for (int l = 0; l < space.layers().size(); l++) {
                LayerSpace ls = space.layers().get(l);
                boolean fromPot = space.activationFormat(mixed, l).spec().startsWith("int4");
                assertEquals(fromPot, space.weightFormat(mixed, l, 0).spec().startsWith("int4"), ls.layer().name());
                assertEquals(fromPot && ls.scaleGene() >= 0, ls.scale(mixed) == ScaleChoice.POT, ls.layer().name());
            }
        }
        // Ten scale genes, each redrawn at 1/10 per child: about 1 - 0.9^10 = 0.65 of the children move one.
        double share = scaleChanged / (double) children;
        assertTrue(share > 0.5 && share < 0.8, "share of children with a new scale choice: " + share);
    }
}
