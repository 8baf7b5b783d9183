package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.search.config.GeneGranularity;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every config in conf/search loads, uses the exact evaluator, names a real target, and its rules fit its model's
 * layers.
 */
class ShippedConfigsTest {
    static final Path CONF = Path.of(System.getProperty("bitsweep.repo", "..")).resolve("conf/search");

    @ParameterizedTest
    @ValueSource(strings = {"ic-resnet8-mpic", "kws-dscnn-mpic", "vww-mobilenet-systolic", "ad-autoencoder-mpic",
            "ic-resnet8-bfp", "ic-resnet8-layerwise"})
    void loadsAndFitsItsModel(String name) {
        SearchSettings s = SearchConfigLoader.load(CONF.resolve(name + ".conf"), List.of(), null);
        Model model = TfliteImporter.load(Assets.resolve(s.model().substring("assets:".length())));
        SearchSpace space = SearchSpace.of(s, ModelLayers.of(model));
        Targets.load(s.hwTarget());
        assertEquals("exact", s.evaluator(), "the bit-exact engine scores every shipped search");
        for (LayerSpace ls : space.layers()) {
            ls.weights().forEach(f -> assertEquals(f, NumberFormat.parse(f.spec()), f + " round-trips"));
            ls.activations().forEach(f -> assertEquals(f, NumberFormat.parse(f.spec()), f + " round-trips"));
        }
        if (name.equals("ic-resnet8-layerwise")) {
            assertTrue(space.layers().stream().allMatch(l -> l.granularity() == GeneGranularity.PER_LAYER));
        }
        if (name.equals("ic-resnet8-bfp")) {
            assertEquals(15, space.layers().get(0).weights().size());
        }
    }
}
