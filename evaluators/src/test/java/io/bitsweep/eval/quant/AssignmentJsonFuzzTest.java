package io.bitsweep.eval.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.fuzz.FuzzFiles;
import io.bitsweep.eval.fuzz.ReaderProperty;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: assignment JSON ({@code bitsweep.assignment/1}), read as {@code bitsweep eval --assignment} reads it
 * ({@link AssignmentJson#readDocument}: the file's bytes as UTF-8, then the structure and every spec string). A
 * document that loads must be usable: written back ({@link AssignmentJson#write}) it reads as the same assignment.
 */
class AssignmentJsonFuzzTest {
    private static final Path FILE = FuzzFiles.inputFile("fuzz-assignment", ".json");

    static Stream<Arguments> seeds() {
        Map<String, Assignment.Layer> layers = new LinkedHashMap<>();
        layers.put("conv_2d_0", new Assignment.Layer(List.of(NumberFormat.parse("int8"), NumberFormat.parse("int4"),
                NumberFormat.parse("pruned")), true, NumberFormat.parse("int8:asym")));
        layers.put("conv_2d_1", new Assignment.Layer(List.of(NumberFormat.parse("mxfp4_e2m1")), false, null));
        layers.put("fully_connected_0", new Assignment.Layer(null, false, NumberFormat.parse("bfp:m4:b16")));
        QuantSettings gptq = new QuantSettings(new QuantSettings.Calibration(QuantSettings.CalibrationMethod.PERCENTILE,
                99.9), QuantSettings.WeightScales.HESSIAN, QuantSettings.Requant.DOUBLE, QuantSettings.Fusion.RESIDUAL,
                QuantSettings.WeightRounding.GPTQ, true, Arithmetic.TFLITE_MICRO);
        Assignment full = new Assignment("ab".repeat(32), NumberFormat.parse("int4"), NumberFormat.parse("int8"),
                layers, gptq);
        Assignment uniform = new Assignment(null, NumberFormat.parse("int8"), NumberFormat.parse("int8"), Map.of(),
                QuantSettings.DEFAULT);
        return Stream.of(
                Named.of("full", AssignmentJson.write(full, Map.of("run", "r1", "seed", 7))),
                Named.of("uniform", AssignmentJson.write(uniform)),
                Named.of("schema only", "{\"schema\":\"bitsweep.assignment/1\"}"),
                Named.of("not an object", "[1,2]"))
                .map(n -> Arguments.of(Named.of(n.getName(), n.getPayload().getBytes(StandardCharsets.UTF_8))));
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] bytes) throws Exception {
        Files.write(FILE, bytes);
        ReaderProperty.check(bytes.length, () -> {
            AssignmentJson.Document d = AssignmentJson.readDocument(FILE);
            String written = AssignmentJson.write(d.assignment(), d.provenance());
            assertEquals(d.assignment(), AssignmentJson.parse(written, "written back"), written);
        }, FILE.toString());
    }
}
