package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** AD autoencoder float on all 248 ad01 files x 196 windows. */
class AdFloatVsDjlTest extends FloatEngineVsDjlContract {
    @Override
    String model() {
        return "models/ad/ad01_fp32.tflite";
    }

    @Override
    String data() {
        return "data/ad01";
    }

    @Override
    boolean anomalyDetection() {
        return true;
    }

    @Test
    void aucIsTheReferenceFigure() {
        assertEquals(248, cmp.samples);
        assertEquals(0.90, cmp.ourAuc(), 0.005);
    }
}
