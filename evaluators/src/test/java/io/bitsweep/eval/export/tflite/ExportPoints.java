package io.bitsweep.eval.export.tflite;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MLPerf Tiny models and the points the export tests run: the int8 model as it is, or the float model
 * quantized by an assignment (calibrated on the first 32 samples of the task's data), under a profile. Models and
 * data are loaded once per test JVM.
 */
final class ExportPoints {
    /** A task: its int8 model, its float model and its data. */
    enum Task {
        IC("models/ic/pretrainedResnet_quant.tflite", "models/ic/pretrainedResnet.tflite", "data/ic01"),
        KWS("models/kws/kws_ref_model.tflite", "models/kws/kws_ref_model_fp32.tflite", "data/kws01"),
        VWW("models/vww/vww_96_int8.tflite", "models/vww/vww_96_float.tflite", "data/vww01"),
        AD("models/ad/ad01_int8.tflite", "models/ad/ad01_fp32.tflite", "data/ad01");

        final String int8Model;
        final String floatModel;
        final String data;

        Task(String int8Model, String floatModel, String data) {
            this.int8Model = int8Model;
            this.floatModel = floatModel;
            this.data = data;
        }
    }

    /**
     * The points: {@code int8} (the int8 model, no assignment), {@code w8a8} (int8 weights, int8:asym activations),
     * {@code w8a8sym} (symmetric int8 activations: codes from -127, raised by MAXIMUM in the export), {@code mixed}
     * (per channel int8/int4/int2/pruned, {@link Assignment#randomMixed}, int8:asym activations).
     */
    static final String[] POINTS = {"int8", "w8a8", "w8a8sym", "mixed"};

    private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();

    private ExportPoints() {}

    static Model int8Model(Task t) {
        return (Model) CACHE.computeIfAbsent("int8:" + t, k -> TfliteImporter.load(Assets.resolve(t.int8Model)));
    }

    static Model floatModel(Task t) {
        return (Model) CACHE.computeIfAbsent("float:" + t, k -> TfliteImporter.load(Assets.resolve(t.floatModel)));
    }

    static Dataset data(Task t) {
        return (Dataset) CACHE.computeIfAbsent("data:" + t, k -> Datasets.open(Assets.resolve(t.data)));
    }

    static ProgramSpec spec(Task t, String point, Arithmetic a) {
        return spec(t, point, a, QuantSettings.Requant.DOUBLE);
    }

    /** The point quantized with {@code requant} (the int8 model as it is runs with the profile's roundings). */
    static ProgramSpec spec(Task t, String point, Arithmetic a, QuantSettings.Requant requant) {
        if (point.equals("int8")) {
            return ProgramSpec.of(int8Model(t), ExactOptions.of(a));
        }
        Assignment assignment = switch (point) {
            case "w8a8" -> Assignment.parseUniform("w=int8,a=int8:asym");
            case "w8a8sym" -> Assignment.parseUniform("w=int8,a=int8");
            case "mixed" -> Assignment.randomMixed(floatModel(t), 14);
            default -> throw new IllegalArgumentException(point);
        };
        return quantize(t, assignment.withSettings(assignment.settings().withArithmetic(a).withRequant(requant)));
    }

    static ProgramSpec quantize(Task t, Assignment a) {
        return Quantizer.quantize(floatModel(t), a, "test", data(t), 32);
    }

    /** The export written under target/, named by task, point and profile (the oracle caches by content). */
    static Path writeExport(Task t, String point, Arithmetic a, byte[] tflite) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "tflite-export-test"));
            Path file = dir.resolve(t.name().toLowerCase() + "-" + point + "-" + a.word() + ".tflite");
            Files.write(file, tflite);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
