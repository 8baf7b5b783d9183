package io.bitsweep.eval.engine;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;

/** Opens a {@link Predictor} for a model file by engine name, as the CLI's {@code --engine} option names them. */
public final class Engines {
    private Engines() {}

    /** @param engine one of float, djl, exact (the bit-exact int8 engine: TFLite int8 models as they are) */
    public static Predictor open(String engine, Path model) {
        return switch (engine) {
            case "exact" -> new ExactPredictor(TfliteImporter.load(model), ExactOptions.tflite());
            default -> throw new BitSweepException("engine '" + engine + "' is not available yet (allowed: exact)");
        };
    }
}
