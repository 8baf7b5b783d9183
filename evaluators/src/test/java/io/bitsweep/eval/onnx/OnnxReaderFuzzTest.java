package io.bitsweep.eval.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.TextFormat;
import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.fuzz.ModelUse;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.onnx.proto.OnnxProto.ModelProto;
import io.bitsweep.eval.ort.OnnxRuntimePredictor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: the ONNX reader ({@link OnnxImporter#read}: protobuf parsing, opset check, constant folding, the graph
 * converter into the NHWC IR, ShapeChecker). A model that loads must also be usable ({@link ModelUse}). The seed is
 * a tiny opset-17 NCHW network with every op family the importer supports (Conv, grouped/depthwise Conv,
 * BatchNormalization, Relu, Clip, HardSwish, HardSigmoid, Sigmoid, Mul, Add, Pad, MaxPool, AveragePool,
 * GlobalAveragePool, ReduceMean, Concat, Reshape, Gemm, Softmax), kept as protobuf text in
 * {@code all-ops-seed.textproto} (made once with the onnx Python package, checked by onnx.checker).
 */
class OnnxReaderFuzzTest {
    private static final String SOURCE = "fuzz.onnx";

    static byte[] allOpsSeed() {
        try (InputStream in = OnnxReaderFuzzTest.class.getResourceAsStream("all-ops-seed.textproto")) {
            ModelProto.Builder m = ModelProto.newBuilder();
            TextFormat.merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), m);
            return m.build().toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> seeds() {
        byte[] seed = allOpsSeed();
        return Stream.of(Arguments.of(Named.of("all-ops", seed)),
                Arguments.of(Named.of("all-ops-truncated", Arrays.copyOf(seed, seed.length / 2))));
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] bytes) throws Exception {
        ReaderProperty.check(bytes.length, () -> ModelUse.use(OnnxImporter.read(bytes, SOURCE)), SOURCE);
    }

    /**
     * The seed reaches every IR op the importer produces (so fuzzing starts from inputs that reach the engine), and
     * the float engine running it matches ONNX Runtime within 1e-4 of the largest output.
     */
    @Test
    void seedCoversTheImportedOpsAndMatchesOnnxRuntime(@TempDir Path dir) throws Exception {
        byte[] seed = allOpsSeed();
        Model model = OnnxImporter.read(seed, SOURCE);
        Set<OpType> ops = model.ops().stream().map(op -> op.type()).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(OpType.class)));
        assertEquals(EnumSet.complementOf(EnumSet.of(OpType.QUANTIZE, OpType.DEQUANTIZE)), ops,
                "IR ops of the seed");
        Path file = dir.resolve("seed.onnx");
        Files.write(file, seed);
        Random random = new Random(15);
        try (FloatEngine engine = FloatEngine.compile(model); OnnxRuntimePredictor ort = OnnxRuntimePredictor.open(file)) {
            float[] x = new float[(int) model.input().elementCount()];
            float[] ours = new float[engine.outputSize()];
            float[] ref = new float[ort.outputSize()];
            for (int s = 0; s < 8; s++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                engine.predict(x, ours);
                ort.predict(x, ref);
                GeneratedModels.assertCloseToReference(ours, ref, 1e-4, "sample " + s + " against ONNX Runtime");
            }
        }
    }
}
