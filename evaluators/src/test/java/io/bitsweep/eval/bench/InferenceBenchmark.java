package io.bitsweep.eval.bench;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.predictors.Predictors;
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
 * Images per second of one predictor on one thread, cycling through the real evaluation images: our float engine
 * against DJL-TFLite on the IC and VWW float models. Run with {@code bin/bench} (docs/PERFORMANCE.md).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dai.djl.offline=true"})
@Threads(1)
@State(Scope.Thread)
public class InferenceBenchmark {

    @Param({"ic", "vww"})
    public String task;

    @Param({"float", "djl"})
    public String engine;

    private Predictor predictor;
    private float[][] inputs;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        String model = task.equals("ic") ? "models/ic/pretrainedResnet.tflite" : "models/vww/vww_96_float.tflite";
        Dataset data = Datasets.open(Assets.resolve(task.equals("ic") ? "data/ic01" : "data/vww01"));
        int n = Math.min(data.size(), 64);
        inputs = new float[n][data.inputSize()];
        for (int i = 0; i < n; i++) {
            data.input(i, 0, inputs[i]);
        }
        predictor = Predictors.open(engine, Assets.resolve(model));
        out = new float[predictor.outputSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
    }

    /** One image through the model; the result is consumed by returning one output. */
    @Benchmark
    public float image() {
        predictor.predict(inputs[next], out);
        next = (next + 1) % inputs.length;
        return out[0];
    }
}
