package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** VWW MobileNetV1-0.25 float on all 1000 vww01 images. */
class VwwFloatVsDjlTest extends FloatEngineVsDjlContract {
    @Override
    String model() {
        return "models/vww/vww_96_float.tflite";
    }

    @Override
    String data() {
        return "data/vww01";
    }

    @Test
    void accuracyIsTheReferenceFigure() {
        assertEquals(1000, cmp.samples);
        assertEquals(0.853, cmp.ourAccuracy().value(), 0.0025, cmp.ourAccuracy().toString());
    }
}
