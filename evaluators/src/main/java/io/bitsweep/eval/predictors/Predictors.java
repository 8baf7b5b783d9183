package io.bitsweep.eval.predictors;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.djl.DjlTflitePredictor;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.ort.OnnxRuntimePredictor;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a {@link Predictor} for a model file by engine name, as the CLI's {@code --engine} option names them. It sits
 * above the engines (which implement {@link Predictor}) so that no engine package depends on another.
 */
public final class Predictors {
    /** The engine names {@link #open} accepts. */
    public static final List<String> NAMES = List.of("float", "djl", "onnxruntime", "exact");

    private Predictors() {}

    /**
     * @param engine float (our float32 engine, {@link FloatEngine}), djl (DJL's TFLite interpreter, the TFLite
     *     reference), onnxruntime (ONNX Runtime, the ONNX reference) or exact (the bit-exact int8 engine,
     *     {@link ExactPredictor}: an int8 model run as it is)
     */
    public static Predictor open(String engine, Path model) {
        return switch (engine) {
            case "float" -> FloatEngine.compile(ModelFiles.load(model));
            case "djl" -> {
                requireFormat(engine, model, ModelFiles.Format.TFLITE);
                yield DjlTflitePredictor.open(model);
            }
            case "onnxruntime" -> {
                requireFormat(engine, model, ModelFiles.Format.ONNX);
                yield OnnxRuntimePredictor.open(model);
            }
            case "exact" -> new ExactPredictor(ModelFiles.load(model), ExactOptions.tflite());
            default -> throw new BitSweepException("unknown engine '" + engine + "' (allowed: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    private static void requireFormat(String engine, Path model, ModelFiles.Format format) {
        ModelFiles.Format actual = ModelFiles.format(model);
        if (actual != format) {
            throw new BitSweepException("engine " + engine + " runs " + format.name().toLowerCase(java.util.Locale.ROOT)
                    + " models, and " + model + " is " + actual.name().toLowerCase(java.util.Locale.ROOT)
                    + " (use " + (actual == ModelFiles.Format.ONNX ? "onnxruntime" : "djl") + ")");
        }
    }
}
