package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.djl.DjlTflitePredictor;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The float engine's promise for a pure-float model: on every sample of the real data set, every output is within
 * 1e-4 (relative to the largest DJL output) of DJL-TFLite's, and the metric is the same. Each subclass names a model
 * and data set; both engines are loaded and run once per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FloatEngineVsDjlContract {
    ReferenceComparison cmp;

    abstract String model();

    abstract String data();

    boolean anomalyDetection() {
        return false;
    }

    @BeforeAll
    void runBoth() {
        Path model = Assets.resolve(model());
        try (FloatEngine ours = FloatEngine.compile(TfliteImporter.load(model));
             DjlTflitePredictor djl = DjlTflitePredictor.open(model)) {
            cmp = new ReferenceComparison(ours, djl, Datasets.open(Assets.resolve(data())), anomalyDetection());
        }
    }

    @Test
    void everyOutputMatchesDjlWithin1e4OfTheLargest() {
        assertTrue(cmp.worstRelativeError <= 1e-4, "worst: " + cmp.worstRelativeError + " at " + cmp.worstWhere);
    }

    @Test
    void metricIsDjls() {
        if (anomalyDetection()) {
            assertEquals(cmp.referenceAuc(), cmp.ourAuc(), 1e-12);
        } else {
            assertArrayEquals(cmp.reference, cmp.ours, "top-1 differs from DJL's");
        }
    }
}
