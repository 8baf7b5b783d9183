package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import org.junit.jupiter.api.Test;

class ActivationStatisticsTest {

    @Test
    void statisticsDoNotChangeOutputsAndDescribeReluLayers() {
        Model m = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet_quant.tflite"));
        Dataset data = Datasets.open(Assets.resolve("data/ic01"));
        ExactPredictor plain = new ExactPredictor(m, ExactOptions.tflite());
        ExactPredictor counted = new ExactPredictor(m, ExactOptions.tflite().withStatistics(true));
        assertNull(plain.program().statistics());
        float[] x = new float[data.inputSize()];
        float[] a = new float[plain.outputSize()];
        float[] b = new float[plain.outputSize()];
        for (int s = 0; s < 20; s++) {
            data.input(s, 0, x);
            plain.predict(x, a);
            counted.predict(x, b);
            assertArrayEquals(a, b);
        }
        ActivationStatistics.Layer conv0 = counted.program().statistics().layers().get("conv_2d_0");
        assertEquals(20L * 32 * 32 * 16, conv0.elements());
        // conv_2d_0 has a fused ReLU: a good share of its outputs sit exactly at the zero point
        assertTrue(conv0.zeroFraction() > 0.1 && conv0.zeroFraction() < 0.9, "zero fraction " + conv0.zeroFraction());
        assertTrue(conv0.effectiveBits() > 0 && conv0.effectiveBits() <= 8, "bits " + conv0.effectiveBits());
        assertTrue(conv0.meanExponentSpread() >= 0 && conv0.meanExponentSpread() <= 7);
    }
}
