package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** IC ResNet-8 float on all 200 ic01 images. */
class IcFloatVsDjlTest extends FloatEngineVsDjlContract {
    @Override
    String model() {
        return "models/ic/pretrainedResnet.tflite";
    }

    @Override
    String data() {
        return "data/ic01";
    }

    @Test
    void accuracyIsTheReferenceFigure() {
        assertEquals("accuracy: 0.8550 (171/200)", cmp.ourAccuracy().toString());
    }
}
