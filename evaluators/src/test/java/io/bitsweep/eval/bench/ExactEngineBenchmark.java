package io.bitsweep.eval.bench;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.predictors.Predictors;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Images per second of one predictor on one thread on ResNet-8 (IC), all in one JMH run: the bit-exact engine on
 * the int8 TFLite model and on search candidates (uniform w4a8; mixed per-channel 2/4/8 with a few pruned
 * channels; bfp:m8:b16 and mxint8 weights and activations, from the float model), against DJL-TFLite on the float and the int8 model. docs/PERFORMANCE.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true"})
@Threads(1)
@State(Scope.Thread)
public class ExactEngineBenchmark {
    private static final String FLOAT = "models/ic/pretrainedResnet.tflite";
    private static final String INT8 = "models/ic/pretrainedResnet_quant.tflite";

    @Param({"djl-float", "djl-int8", "exact-int8", "exact-w4a8", "exact-mixed", "exact-bfp", "exact-mxint8"})
    public String engine;

    private Predictor predictor;
    private float[][] inputs;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Dataset data = Datasets.open(Assets.resolve("data/ic01"));
        inputs = Datasets.firstInputs(data, 64);
        Model floatModel = TfliteImporter.load(Assets.resolve(FLOAT));
        predictor = switch (engine) {
            case "djl-float" -> Predictors.open("djl", Assets.resolve(FLOAT));
            case "djl-int8" -> Predictors.open("djl", Assets.resolve(INT8));
            case "exact-int8" -> Predictors.open("exact", Assets.resolve(INT8));
            case "exact-w4a8" -> Quantizer.predictor(floatModel, Assignment.parseUniform("w=int4,a=int8:asym"),
                    "w4a8", data, 32);
            case "exact-mixed" -> Quantizer.predictor(floatModel, Assignment.randomMixed(floatModel, 42), "mixed", data, 32);
            case "exact-bfp" -> Quantizer.predictor(floatModel, Assignment.parseUniform(
                    "w=bfp:m8:b16,a=bfp:m8:b16"), "bfp", data, 32);
            case "exact-mxint8" -> Quantizer.predictor(floatModel, Assignment.parseUniform("w=mxint8,a=mxint8"),
                    "mxint8", data, 32);
            default -> throw new IllegalArgumentException(engine);
        };
        out = new float[predictor.outputSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
    }

    @Benchmark
    public float image() {
        predictor.predict(inputs[next], out);
        next = (next + 1) % inputs.length;
        return out[0];
    }
}
