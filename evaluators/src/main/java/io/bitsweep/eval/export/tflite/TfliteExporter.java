package io.bitsweep.eval.export.tflite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.RequantRounding;
import io.bitsweep.eval.export.ExportedModel;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.tflite.TfliteWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Exports what the exact engine runs (a {@link ProgramSpec}) as a TFLite flatbuffer with int8 tensors, which
 * DJL-TFLite 2.6.2 and TF 2.21 load and run (docs/EXPORT.md, "TFLite"). The file holds the program's own numbers:
 * weight codes as stored (2- and 4-bit codes are int8 values within their range, pruned channels zeros with a zero
 * bias), per-channel weight scales, the int32 biases (bias correction included), activation scales and zero points,
 * fused activations (and an int8 MAXIMUM where symmetric int8 stops at -127, {@link CodeClamps}). TFLite derives each
 * requantization multiplier from those float scales as the engine does
 * ({@code QuantizeMultiplier(in_scale * w_scale[c] / out_scale)} in double), so its kernels compute the program's
 * accumulators and multipliers; they round as the runtime of the program's {@link Arithmetic} profile does, which
 * {@link #asTfliteRuns} makes explicit.
 *
 * <p>Refused in one line naming the layer: residual fusion, block formats, activations that are not 8-bit,
 * accumulators narrower than 32 bits ({@link TfliteRefusals}).
 */
public final class TfliteExporter {
    /** The Model.metadata entry holding the provenance, as JSON. */
    public static final String PROVENANCE = "bitsweep_provenance";
    /** The "schema" of the provenance JSON. */
    public static final String PROVENANCE_SCHEMA = "bitsweep.tflite-provenance/1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TfliteExporter() {}

    /**
     * The program as .tflite bytes.
     *
     * @param metadata provenance key/values (run id, config sha256, model and data sha256, ...), stored with the
     *                 program's arithmetic in Model.metadata {@value #PROVENANCE} as JSON, sorted by key so that
     *                 the same program and provenance always give the same bytes
     * @throws BitSweepException (one line naming the layer) for what TFLite cannot compute as the engine does
     */
    public static byte[] write(ProgramSpec spec, Map<String, String> metadata) {
        TfliteRefusals.check(spec);
        Map<Integer, Integer> minCodes = CodeClamps.of(spec);
        Model model = spec.model();
        if (spec.options().arithmetic() == Arithmetic.TFLITE_2_6) {
            model = FullyConnectedAsConv.rewrite(model);
        }
        return TfliteWriter.write(model, minCodes, "BitSweep export of " + spec.model().source(),
                Map.of(PROVENANCE, provenance(spec, metadata)));
    }

    /** The file name the export writes: {@link #write}'s bytes, beside the C export's bitsweep_model.h. */
    public static final String FILE = "bitsweep_model.tflite";

    /**
     * {@link #write} as an export: the one file {@link #FILE} and its sizes. Weight bytes are the int8 weight codes
     * (one byte each, whatever the format's width: TFLite has no narrower type; pruned channels are zeros), bias
     * bytes the int32 biases; TFLite keeps no tables or arena of ours.
     */
    public static ExportedModel export(ProgramSpec spec, Map<String, String> metadata) {
        byte[] file = write(spec, metadata);
        Model m = spec.model();
        List<ExportedModel.Layer> layers = new ArrayList<>();
        long biasBytes = 0;
        for (Op op : m.quantizableLayers()) {
            boolean[] pruned = spec.op(op.name()).pruned();
            int prunedChannels = 0;
            for (int c = 0; pruned != null && c < pruned.length; c++) {
                prunedChannels += pruned[c] ? 1 : 0;
            }
            layers.add(new ExportedModel.Layer(op.name(), m.outputChannels(op), prunedChannels, 0, m.weightCount(op)));
            biasBytes += 4 * (m.paramCount(op) - m.weightCount(op));
        }
        return new ExportedModel(Map.of(FILE, file), layers.stream().mapToLong(ExportedModel.Layer::weightBytes).sum(),
                biasBytes, 0, 0, layers);
    }

    private static byte[] provenance(ProgramSpec spec, Map<String, String> metadata) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", PROVENANCE_SCHEMA);
        doc.put("arithmetic", spec.options().arithmetic().word());
        doc.put("provenance", new TreeMap<>(metadata));
        try {
            return JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The program as the profile's TFLite runs the exported file: the same numbers, with the requantization
     * rounding of each op kind that runtime uses ({@link ExactOptions#of}; tflite-2.6: DJL-TFLite 2.6.2,
     * tflite-micro: the reference kernels of TF 2.21 {@code BUILTIN_REF} and TFLite Micro). The exported file's
     * outputs equal this program's byte for byte.
     */
    public static ProgramSpec asTfliteRuns(ProgramSpec spec) {
        ExactOptions o = spec.options();
        ExactOptions rt = ExactOptions.of(o.arithmetic());
        return spec.withOptions(new ExactOptions(rt.convRounding(), rt.fullyConnectedRounding(), rt.kernelRounding(),
                o.accumulatorBits(), o.statistics(), o.kernels(), o.batchSize(), o.arithmetic()));
    }

    /**
     * One line saying which op kind the program rounds otherwise than the profile's TFLite runtime, so that the
     * export's outputs may differ from the program's by a rounding step in some rows; empty when they equal it
     * (every int8 model as it is, and quantized programs under tflite-micro with {@code requant double} and no
     * {@code :pot} format). An assignment under tflite-2.6 keeps its {@code requant} rounding for every op
     * (docs/ASSIGNMENT.md), while TFLite 2.6.2 rounds CONV_2D and FULLY_CONNECTED once and its own kernels twice.
     */
    public static Optional<String> roundingDifference(ProgramSpec spec) {
        ProgramSpec runs = asTfliteRuns(spec);
        for (Op op : spec.model().ops()) {
            RequantRounding scored = rounding(spec.options(), op.type());
            RequantRounding tflite = rounding(runs.options(), op.type());
            if (scored != null && scored != tflite) {
                return Optional.of(spec.model().source() + ": layer " + op.name() + " (" + op.type() + ") was "
                        + "computed requantizing " + describe(scored) + "; " + runtime(spec) + " requantizes "
                        + op.type() + " " + describe(tflite) + ", so the exported file's outputs may differ from "
                        + "the engine's by a rounding step in some rows (search or evaluate with requant tflite for "
                        + "the scored bytes)");
            }
        }
        return Optional.empty();
    }

    /** The rounding of an op kind's requantization; null for ops without one. */
    private static RequantRounding rounding(ExactOptions o, OpType type) {
        return switch (type) {
            case CONV_2D -> o.convRounding();
            case FULLY_CONNECTED -> o.fullyConnectedRounding();
            case DEPTHWISE_CONV_2D, QUANTIZE, MUL, MEAN, CONCATENATION -> o.kernelRounding();
            default -> null;
        };
    }

    private static String describe(RequantRounding r) {
        return switch (r) {
            case DOUBLE -> "with two roundings";
            case SINGLE -> "with one rounding";
            case SHIFT -> "by power-of-two shifts";
        };
    }

    private static String runtime(ProgramSpec spec) {
        return spec.options().arithmetic() == Arithmetic.TFLITE_2_6 ? "TFLite 2.6.2 (DJL)"
                : "TFLite's reference kernels (TF 2.21 BUILTIN_REF, TFLite Micro)";
    }
}
