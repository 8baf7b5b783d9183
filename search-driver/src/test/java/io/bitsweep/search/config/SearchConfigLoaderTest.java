package io.bitsweep.search.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.quant.QuantSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.Kernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchConfigLoaderTest {
    static SearchSettings load(String hocon, String... sets) {
        return SearchConfigLoader.load(ConfigFactory.parseString(hocon), List.of(sets), null);
    }

    static String error(String hocon, String... sets) {
        return assertThrows(BitSweepException.class, () -> load(hocon, sets)).getMessage();
    }

    static List<String> specs(List<NumberFormat> formats) {
        return formats.stream().map(NumberFormat::spec).toList();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        SearchSettings s = load("bitsweep.search { model = m.tflite, data = d }");
        assertEquals(24, s.population());
        assertEquals(List.of(Objective.ACCURACY, Objective.WEIGHT_BITS, Objective.CYCLES), s.objectives());
        assertEquals(List.of("int8", "int4", "int2", "pruned"), specs(s.defaultRule().weights()));
        assertEquals(GeneGranularity.PER_CHANNEL, s.defaultRule().granularity());
        assertEquals(0, s.qualityObjective());
        assertTrue(s.memoryBudget().fromTarget());
        assertEquals(ExecutionSettings.DEFAULT, s.engine());
    }

    @Test
    void engineKeysAreCheckedWithTheirPath() {
        assertEquals(new ExecutionSettings(Kernels.JAVA, 32),
                load("bitsweep.search { model = m.tflite, data = d, engine { kernels = java, batch-size = 32 } }")
                        .engine());
        assertTrue(error("bitsweep.search.engine.kernels = gpu").contains(
                "bitsweep.search.engine.kernels: bad value 'gpu' (allowed: auto, java, native)"));
        assertTrue(error("bitsweep.search.engine.batch-size = 0").contains(
                "bitsweep.search.engine.batch-size: must be in 1..256 (got 0)"));
        assertTrue(error("bitsweep.search.engine.batch-size = 257").contains("must be in 1..256 (got 257)"));
    }

    @Test
    void layerRulesOverrideTheDefaultAndExpandBfpBlockSizes() {
        SearchSettings s = load("""
                bitsweep.search.space.layers = [
                  { match = "conv_2d_0", weights = [int8], granularity = per-layer },
                  { match = "fully_connected_*", weights = ["bfp:m4", "bfp:m6:b8"], bfp-block-sizes = [16, 64] }
                ]""");
        assertEquals(List.of("int8"), specs(s.ruleFor("conv_2d_0").weights()));
        assertEquals(GeneGranularity.PER_LAYER, s.ruleFor("conv_2d_0").granularity());
        assertEquals(List.of("bfp:m4:b16", "bfp:m4:b64", "bfp:m6:b8"), specs(s.ruleFor("fully_connected_3").weights()));
        assertEquals(GeneGranularity.PER_CHANNEL, s.ruleFor("fully_connected_3").granularity());
        assertEquals(s.defaultRule(), s.ruleFor("conv_2d_1"));
    }

    @Test
    void setAndSeedOverrideTheFile() {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString("bitsweep.search.population = 10"),
                List.of("population=32", "bitsweep.search.constraints.max-accuracy-drop=0.01",
                        "objectives=[auc, energy]"), 99L);
        assertEquals(32, s.population());
        assertEquals(0.01, s.maxAccuracyDrop());
        assertEquals(99, s.seed());
        assertEquals(List.of(Objective.AUC, Objective.ENERGY), s.objectives());
    }

    @Test
    void unknownKeysAreNamedWithTheirPath() {
        assertTrue(error("bitsweep.search.populaton = 3").contains("bitsweep.search.populaton: unknown key"),
                error("bitsweep.search.populaton = 3"));
        assertTrue(error("bitsweep.search.constraints.max-drop = 3")
                .contains("bitsweep.search.constraints.max-drop: unknown key"));
        String rule = error("bitsweep.search.space.layers = [{ match = x, weight = [int8] }]");
        assertTrue(rule.contains("bitsweep.search.space.layers[0].weight: unknown key (allowed: match, weights"), rule);
    }

    @Test
    void invalidValuesNameThePathAndTheAllowedValues() {
        assertTrue(error("bitsweep.search.population = many").contains("population"));
        assertTrue(error("bitsweep.search.population = 1").contains("bitsweep.search.population: must be >= 2 (got 1)"));
        String obj = error("bitsweep.search.objectives = [accuracy, speed]");
        assertTrue(obj.contains("bitsweep.search.objectives: unknown objective 'speed' (allowed: accuracy, auc, "
                + "weight-bits, cycles, energy)"), obj);
        assertTrue(error("bitsweep.search.objectives = [weight-bits, cycles]").contains("exactly one of accuracy, auc"));
        String spec = error("bitsweep.search.space.default.weights = [int8, int3x]");
        assertTrue(spec.contains("bitsweep.search.space.default.weights: bad format 'int3x'"), spec);
        String gran = error("bitsweep.search.space.default.granularity = per-tensor");
        assertTrue(gran.contains("bitsweep.search.space.default.granularity: bad value 'per-tensor' (allowed: "
                + "per-channel, per-layer)"), gran);
        assertTrue(error("bitsweep.search.constraints.memory-budget = lots")
                .contains("bitsweep.search.constraints.memory-budget: bad value 'lots'"));
        assertTrue(error("bitsweep.search.archive.truncation = random").contains("(allowed: crowding, hypervolume)"));
        assertTrue(error("bitsweep.search.space.layers = [{ weights = [int8] }]")
                .contains("bitsweep.search.space.layers[0].match: missing"));
        assertTrue(error("bitsweep.search.space.default.activations = [pruned]").contains("weight format only"));
    }

    @Test
    void weightRoundingAndBiasCorrectionAreQuantizationSettings() {
        QuantSettings d = load("").quantization();
        assertEquals(QuantSettings.WeightRounding.NEAREST, d.weightRounding());
        assertEquals(false, d.biasCorrection());
        QuantSettings q = load("bitsweep.search.quantization { weight-rounding = gptq, bias-correction = true, "
                + "weight-scales = hessian }").quantization();
        assertEquals(QuantSettings.WeightRounding.GPTQ, q.weightRounding());
        assertTrue(q.biasCorrection() && q.needsInputStatistics());
        assertEquals(QuantSettings.WeightScales.HESSIAN, q.weightScales());
        assertEquals("bitsweep.search.quantization.weight-rounding: bad value 'adaround' (allowed: nearest, gptq)",
                error("bitsweep.search.quantization.weight-rounding = adaround"));
        assertEquals("bitsweep.search.quantization.bias-correction: bad value 'sometimes' (allowed: true, false)",
                error("bitsweep.search.quantization.bias-correction = sometimes"));
        assertTrue(error("bitsweep.search.quantization.weight-scales = l1").endsWith("(allowed: minmax, mse, hessian)"));
    }

    @Test
    void scalesAreFloatByDefaultAndAChoicePerRule() {
        assertEquals(List.of(ScaleChoice.FLOAT), load("").defaultRule().scales());
        SearchSettings s = load("""
                bitsweep.search.space.default.scales = [float, pot]
                bitsweep.search.space.layers = [ { match = "conv_2d_0", scales = [float] } ]""");
        assertEquals(List.of(ScaleChoice.FLOAT, ScaleChoice.POT), s.ruleFor("conv_2d_1").scales());
        assertEquals(List.of(ScaleChoice.FLOAT), s.ruleFor("conv_2d_0").scales());
        assertEquals("int4:asym:pot", ScaleChoice.POT.apply(NumberFormat.parse("int4:asym")).spec());
        assertEquals("bfp:m4:b16", ScaleChoice.POT.apply(NumberFormat.parse("bfp:m4:b16")).spec());
        assertEquals("int4", ScaleChoice.FLOAT.apply(NumberFormat.parse("int4")).spec());
    }

    @Test
    void aBadValueFromAFileIsNamedByTheFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("search.conf");
        Files.writeString(file, "bitsweep.search {\n  population = 4\n  space.default.weights = [int8, \"int\u20289\"]\n}\n");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> SearchConfigLoader.load(file, List.of(), null));
        assertEquals(file + ": 3: bitsweep.search.space.default.weights: bad format 'int\\u20289': unknown number "
                + "format 'int\\u20289'", e.getMessage().substring(0, e.getMessage().indexOf(" (allowed")));
        Files.writeString(file, "bitsweep.search.population = 4\n");
        e = assertThrows(BitSweepException.class,
                () -> SearchConfigLoader.load(file, List.of("population=1"), null));
        assertEquals("bitsweep.search.population: must be >= 2 (got 1)", e.getMessage(), "a --set is named by its key");
        // Typesafe Config cannot merge an append to a number: one line naming the file, not its dump of the environment.
        Files.writeString(file, "bitsweep.search.splits.calibration { offset += 0 }\n");
        e = assertThrows(BitSweepException.class, () -> SearchConfigLoader.load(file, List.of(), null));
        assertEquals(file + ": cannot resolve the config: a substitution or '+=' does not fit the value it refers to",
                e.getMessage());
        // A value in an object merged with reference.conf's defaults is named by the file's part.
        Files.writeString(file, "bitsweep.search.splits.calibration.offset = -3\n");
        e = assertThrows(BitSweepException.class, () -> SearchConfigLoader.load(file, List.of(), null));
        assertTrue(e.getMessage().startsWith(file + ": 1: bitsweep.search.splits.calibration: "), e.getMessage());
    }

    @Test
    void badScalesNameThePathAndTheAllowedValues() {
        assertEquals("bitsweep.search.space.default.scales: bad value 'shift' (allowed: float, pot)",
                error("bitsweep.search.space.default.scales = [float, shift]"));
        assertEquals("bitsweep.search.space.layers[0].scales: 'pot' is listed twice",
                error("bitsweep.search.space.layers = [{ match = x, scales = [pot, pot] }]"));
        assertEquals("bitsweep.search.space.default.scales: must list at least one of float, pot",
                error("bitsweep.search.space.default.scales = []"));
        assertTrue(error("bitsweep.search.quantization.fusion = add").contains(
                "bitsweep.search.quantization.fusion: bad value 'add' (allowed: none, residual)"));
    }

    @Test
    void memoryBudgetTakesSizes() {
        assertEquals(262144, load("bitsweep.search.constraints.memory-budget = 256KiB").memoryBudget().bytes());
        assertEquals(1000, load("bitsweep.search.constraints.memory-budget = 1000").memoryBudget().bytes());
        assertTrue(!load("bitsweep.search.constraints.memory-budget = none").memoryBudget().enabled());
    }

    @Test
    void badSetIsNamed() {
        assertTrue(error("", "population").contains("bad --set 'population': expected key=value"));
        assertTrue(error("", "populaton=3").contains("bitsweep.search.populaton: unknown key"));
        assertTrue(error("", "a..b=3").contains("bad --set key"));
        assertTrue(error("", "population=[1,").contains("bad --set 'population=[1,'"));
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.conf");
        assertTrue(assertThrows(BitSweepException.class, () -> SearchConfigLoader.load(missing, List.of(), null))
                .getMessage().contains("no such config file: " + missing));
        Path bad = Files.writeString(dir.resolve("bad.conf"), "bitsweep.search { population = \n");
        String msg = assertThrows(BitSweepException.class, () -> SearchConfigLoader.load(bad, List.of(), null))
                .getMessage();
        assertTrue(msg.contains("bad.conf"), msg);
        Path typo = Files.writeString(dir.resolve("typo.conf"), "bitsweep.search {\n  seeed = 3\n}\n");
        msg = assertThrows(BitSweepException.class, () -> SearchConfigLoader.load(typo, List.of(), null)).getMessage();
        assertTrue(msg.contains("typo.conf: 2") && msg.contains("bitsweep.search.seeed: unknown key"), msg);
    }
}
