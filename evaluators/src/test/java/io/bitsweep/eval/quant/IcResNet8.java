package io.bitsweep.eval.quant;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;

/**
 * The float IC model (ResNet-8) and its real CIFAR-10 samples (ic01), loaded once per test JVM for the quantization
 * tests, with the float engine's score as the reference every quantized candidate is compared against.
 */
final class IcResNet8 {
    static final Model ic = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
    static final Dataset ic01 = Datasets.open(Assets.resolve("data/ic01"));
    static final int floatCorrect = correct(FloatEngine.compile(ic));

    private IcResNet8() {}

    /** Correctly classified ic01 samples. */
    static int correct(Predictor p) {
        return (int) Evaluation.run(p, ic01, 0, false).accuracy().correct();
    }
}
