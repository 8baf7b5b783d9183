package io.bitsweep.eval.predictors;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.djl.DjlTflitePredictor;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a {@link Predictor} for a model file by engine name, as the CLI's {@code --engine} option names them. It sits
 * above the engines (which implement {@link Predictor}) so that no engine package depends on another.
 */
public final class Predictors {
    /** The engine names {@link #open} accepts. */
    public static final List<String> NAMES = List.of("float", "djl", "exact");

    private Predictors() {}

    /**
     * @param engine float (our float32 engine, {@link FloatEngine}), djl (DJL's TFLite interpreter, the reference)
     *     or exact (the bit-exact int8 engine, {@link ExactPredictor}: a TFLite int8 model run as it is)
     */
    public static Predictor open(String engine, Path model) {
        return switch (engine) {
            case "float" -> FloatEngine.compile(TfliteImporter.load(model));
            case "djl" -> DjlTflitePredictor.open(model);
            case "exact" -> new ExactPredictor(TfliteImporter.load(model), ExactOptions.tflite());
            default -> throw new BitSweepException("unknown engine '" + engine + "' (allowed: "
                    + String.join(", ", NAMES) + ")");
        };
    }
}
