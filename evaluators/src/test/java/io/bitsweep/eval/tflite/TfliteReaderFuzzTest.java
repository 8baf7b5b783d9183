package io.bitsweep.eval.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.fuzz.ModelUse;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.eval.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: the TFLite reader ({@link TfliteImporter#read}, FbTable, ShapeChecker). A model that loads must also
 * be usable ({@link ModelUse}): reading what {@code bitsweep inspect} shows and, when its activations are small,
 * compiling it with the float engine must throw nothing but the one-line error.
 */
class TfliteReaderFuzzTest {
    private static final String SOURCE = "fuzz.tflite";
    /** The MLPerf Tiny models used as seeds (read in place; the larger float models only slow the fuzzer down). */
    private static final String[] ASSET_MODELS = {"models/kws/kws_ref_model.tflite",
        "models/kws/kws_ref_model_float32.tflite", "models/ic/pretrainedResnet_quant.tflite",
        "models/ic/pretrainedResnet.tflite"};

    static Stream<Arguments> seeds() {
        Stream<Arguments> generated = Stream.of(
                Arguments.of(Named.of("float-all-ops", TfliteSeeds.floatAllOps())),
                Arguments.of(Named.of("int8-per-channel", TfliteSeeds.int8PerChannel())),
                Arguments.of(Named.of("hybrid-fc", TfliteSeeds.hybridFullyConnected())));
        Stream<Arguments> assets = Stream.of(ASSET_MODELS).map(path -> {
            try {
                return Arguments.of(Named.of(path, Files.readAllBytes(Assets.resolve(path))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return Stream.concat(generated, assets);
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] bytes) throws Exception {
        ReaderProperty.check(bytes.length, () -> ModelUse.use(TfliteImporter.read(bytes, SOURCE)), SOURCE);
    }

    /** The generated seeds are valid models, so fuzzing starts from inputs that reach the engine. */
    @Test
    void generatedSeedsLoadAndCompile() {
        for (byte[] seed : new byte[][] {TfliteSeeds.floatAllOps(), TfliteSeeds.int8PerChannel(),
            TfliteSeeds.hybridFullyConnected()}) {
            Model model = TfliteImporter.read(seed, SOURCE);
            assertTrue(model.ops().size() >= 1, model.toString());
            FloatEngine.compile(model);
        }
    }
}
