package io.bitsweep.eval.export.tflite;

import static io.bitsweep.eval.export.tflite.ExportPoints.Task;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.eval.tflite.TfliteWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the TFLite exporter writes, read back with the project's own importer: the int8 models as they are, every
 * tensor, byte and op; the quantized points' codes, scales, biases and clamps; the provenance; the refusals, one
 * line naming the layer; and the note on roundings the runtime does otherwise. The runtimes themselves run the
 * exports in {@link TfliteExportVsRuntimesTest}.
 */
class TfliteExporterTest {
    private static final Map<String, String> PROVENANCE = Map.of("run_id", "run-1", "model_sha256", "abc");

    @ParameterizedTest
    @EnumSource(Task.class)
    void anInt8ModelImportsBackAsTheSameModel(Task task) {
        for (Arithmetic a : Arithmetic.values()) {
            Model m = ExportPoints.int8Model(task);
            Model back = TfliteImporter.read(TfliteExporter.write(ProgramSpec.of(m,
                    ExactOptions.of(a)), PROVENANCE), "export");
            assertSameModel(m, back);
        }
    }

    /**
     * A quantized point: the file holds the program's tensors, so importing it gives the program's model (the
     * symmetric point has a MAXIMUM op and two tensors more per clamped output; tflite-2.6 turns per-channel
     * fully connected layers into 1x1 convolutions, so tflite-micro is compared).
     */
    @Test
    void aQuantizedPointImportsBackAsItsProgram() {
        ProgramSpec mixed = ExportPoints.spec(Task.IC, "mixed", Arithmetic.TFLITE_MICRO);
        Model back = TfliteImporter.read(TfliteExporter.write(mixed, PROVENANCE), "export");
        assertSameModel(mixed.model(), back);
        int prunedChannels = 0;
        for (Op op : back.quantizableLayers()) {
            boolean[] pruned = mixed.op(op.name()).pruned();
            byte[] w = back.weights(op).int8s();
            int[] bias = back.bias(op).orElseThrow().int32s();
            int channels = back.outputChannels(op);
            for (int c = 0; pruned != null && c < channels; c++) {
                if (pruned[c]) {
                    prunedChannels++;
                    assertEquals(0, bias[c], op.name() + " pruned channel " + c + ": bias");
                    for (int i = 0; i < w.length; i++) {
                        int channel = op.type() == OpType.DEPTHWISE_CONV_2D ? i % channels : i / (w.length / channels);
                        assertTrue(channel != c || w[i] == 0, op.name() + " pruned channel " + c + ": weights");
                    }
                }
            }
        }
        assertTrue(prunedChannels > 0, "the mixed point prunes channels");
    }

    @Test
    void symmetricActivationsAreRaisedToMinus127ByMaximum() {
        ProgramSpec sym = ExportPoints.spec(Task.IC, "w8a8sym", Arithmetic.TFLITE_MICRO);
        byte[] file = TfliteExporter.write(sym, PROVENANCE);
        // MAXIMUM is not an op of the IR: the importer names it, which shows it is there
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteImporter.read(file, "export"));
        assertTrue(e.getMessage().contains("unsupported op MAXIMUM"), e.getMessage());
        Map<Integer, Integer> clamps = CodeClamps.of(sym);
        Model m = sym.model();
        // the layers without ReLU: the last fully connected layer (logits) and nothing with a ReLU
        for (Op op : m.ops()) {
            boolean clamped = clamps.containsKey(op.output());
            boolean noRelu = op.options().activation() == Activation.NONE;
            if (op.type().isQuantizable() || op.type() == OpType.ADD) {
                assertEquals(noRelu, clamped, op.name());
            }
        }
        assertTrue(clamps.values().stream().allMatch(c -> c == -127), clamps.toString());
        assertTrue(CodeClamps.of(ExportPoints.spec(Task.IC, "w8a8", Arithmetic.TFLITE_MICRO)).isEmpty());
    }

    @Test
    void theProvenanceIsJsonInTheModelMetadata() throws Exception {
        byte[] file = TfliteExporter.write(ProgramSpec.of(ExportPoints.int8Model(Task.KWS),
                ExactOptions.of(Arithmetic.TFLITE_MICRO)), PROVENANCE);
        byte[] json = TfliteWriter.metadata(file, TfliteExporter.PROVENANCE);
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.indexOf("model_sha256") < text.indexOf("run_id"), "sorted by key, so the bytes are stable");
        JsonNode doc = new ObjectMapper().readTree(json);
        assertEquals(TfliteExporter.PROVENANCE_SCHEMA, doc.get("schema").asText());
        assertEquals("tflite-micro", doc.get("arithmetic").asText());
        assertEquals("run-1", doc.get("provenance").get("run_id").asText());
        assertEquals("abc", doc.get("provenance").get("model_sha256").asText());
        assertEquals(null, TfliteWriter.metadata(file, "other"));
    }

    @Test
    void fourBitActivationsAreRefusedNamingTheLayer() {
        Model f = ExportPoints.floatModel(Task.IC);
        String layer = f.quantizableLayers().get(1).name();
        Assignment a = new Assignment(null, NumberFormat.parse("int8"), NumberFormat.parse("int8:asym"),
                Map.of(layer, new Assignment.Layer(null, false, NumberFormat.parse("int4:asym"))),
                QuantSettings.DEFAULT);
        ProgramSpec spec = ExportPoints.quantize(Task.IC, a);
        assertRefused(spec, spec.model().source() + ": layer " + layer
                + " (CONV_2D): activations int4:asym are not 8-bit; TFLite's int8 kernels write int8 codes "
                + "(allowed: int8, int8:asym, int8:pot)");
    }

    @Test
    void blockFormatsAreRefusedNamingTheLayer() {
        Model f = ExportPoints.floatModel(Task.IC);
        String layer = f.quantizableLayers().get(2).name();
        Assignment a = new Assignment(null, NumberFormat.parse("int8"), NumberFormat.parse("int8:asym"),
                Map.of(layer, new Assignment.Layer(List.of(NumberFormat.parse("bfp:m4:b16")), false, null)),
                QuantSettings.DEFAULT);
        ProgramSpec spec = ExportPoints.quantize(Task.IC, a);
        assertRefused(spec, spec.model().source() + ": layer " + layer
                + " (CONV_2D): weights bfp:m4:b16 run on block arithmetic, which TFLite has no kernel for (allowed: "
                + "int2..int8 weights per channel, pruned)");
    }

    @Test
    void residualFusionIsRefusedNamingTheAdd() {
        Assignment a = Assignment.parseUniform("w=int8,a=int8:asym");
        ProgramSpec fused = ExportPoints.quantize(Task.IC, a.withSettings(a.settings()
                .withFusion(QuantSettings.Fusion.RESIDUAL)));
        Map.Entry<String, String> first = fused.residualFusions().entrySet().iterator().next();
        assertRefused(fused, fused.model().source() + ": layer " + first.getKey() + " (ADD): "
                + "residual fusion with " + first.getValue() + " cannot be exported: TFLite's ADD requantizes the "
                + "layer's output and both its inputs, the fused engine requantizes once (allowed: fusion none)");
    }

    @Test
    void narrowAccumulatorsAreRefused() {
        ProgramSpec spec = ExportPoints.spec(Task.KWS, "int8", Arithmetic.TFLITE_2_6);
        assertRefused(spec.withOptions(spec.options().withAccumulatorBits(16)), spec.model().source()
                + ": the program accumulates in 16 bits; TFLite's kernels accumulate in int32 (allowed: 32)");
    }

    /**
     * The rounding note: none for the int8 models and for quantized points under tflite-micro (the reference
     * kernels' roundings are the profile's); under tflite-2.6 an assignment keeps its requant for every op, which
     * TFLite 2.6.2 rounds otherwise, and the note names the first such layer.
     */
    @Test
    void theRoundingNoteSaysWhenTheRuntimeRoundsOtherwise() {
        for (Arithmetic a : Arithmetic.values()) {
            assertEquals(Optional.empty(),
                    TfliteExporter.roundingDifference(ExportPoints.spec(Task.KWS, "int8", a)));
        }
        ProgramSpec micro = ExportPoints.spec(Task.IC, "mixed", Arithmetic.TFLITE_MICRO);
        assertEquals(Optional.empty(), TfliteExporter.roundingDifference(micro));
        assertEquals(micro.options(), TfliteExporter.asTfliteRuns(micro).options());
        ProgramSpec desktop = ExportPoints.spec(Task.IC, "mixed", Arithmetic.TFLITE_2_6);
        String note = TfliteExporter.roundingDifference(desktop).orElseThrow();
        assertEquals(desktop.model().source() + ": layer conv_2d_0 (CONV_2D) was computed requantizing with two "
                + "roundings; TFLite 2.6.2 (DJL) requantizes CONV_2D with one rounding, so the exported file's "
                + "outputs may differ from the engine's by a rounding step in some rows (search or evaluate with "
                + "requant tflite for the scored bytes)", note);
        assertEquals(Optional.empty(), TfliteExporter.roundingDifference(ExportPoints.spec(Task.IC, "mixed",
                Arithmetic.TFLITE_2_6, QuantSettings.Requant.TFLITE)), "requant tflite rounds as TFLite 2.6.2");
    }

    private static void assertRefused(ProgramSpec spec, String message) {
        BitSweepException e = assertThrows(BitSweepException.class, () -> TfliteExporter.write(spec, PROVENANCE));
        assertEquals(message, e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    /** Every tensor (name, shape, type, quantization, bytes) and op of {@code expected}. */
    private static void assertSameModel(Model expected, Model actual) {
        assertEquals(expected.tensors().size(), actual.tensors().size(), "tensors");
        for (int i = 0; i < expected.tensors().size(); i++) {
            Tensor e = expected.tensor(i);
            Tensor a = actual.tensor(i);
            assertEquals(e.name(), a.name());
            assertArrayEquals(e.shape(), a.shape(), e.name());
            assertEquals(e.dtype(), a.dtype(), e.name());
            assertEquals(e.quant(), a.quant(), e.name());
            assertEquals(e.isConstant(), a.isConstant(), e.name());
            if (e.isConstant()) {
                assertEquals(e.rawData(), a.rawData(), e.name());
            }
        }
        for (int i = 0; i < expected.ops().size(); i++) {
            Op e = expected.ops().get(i);
            Op a = actual.ops().get(i);
            if (e.options() instanceof OpOptions.Reshape) {
                // the file's new_shape may hold -1; the export writes the output's shape, which the IR holds as is
                assertEquals(new OpOptions.Reshape(expected.output(e).shape()), a.options(), e.name());
                e = new Op(e.name(), e.type(), e.inputs(), e.outputs(), a.options());
            }
            assertEquals(e, a, e.name() + ": " + e.options() + " vs " + a.options());
        }
        assertEquals(expected.ops().size(), actual.ops().size());
        assertArrayEquals(expected.inputIndices(), actual.inputIndices());
        assertArrayEquals(expected.outputIndices(), actual.outputIndices());
    }
}
