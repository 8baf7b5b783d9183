package io.bitsweep.eval.bench;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.Kernels;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.predictors.Predictors;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * channels; bfp:m8:b16 and mxint8 weights and activations, from the float model), and on the VWW int8 model,
 * against DJL-TFLite on the float and the int8 model. The exact engine runs batches of {@link #batch} images with
 * the {@link #kernels} kernels; the {@code images} counter is the rate (images per second). docs/PERFORMANCE.md.
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
    private static final String VWW_INT8 = "models/vww/vww_96_int8.tflite";

    @Param({"djl-float", "djl-int8", "exact-int8", "exact-w4a8", "exact-mixed", "exact-bfp", "exact-mxint8",
        "exact-vww-int8"})
    public String engine;

    /** The exact engine's kernels: auto (native where it loads), java, native. */
    @Param({"auto"})
    public String kernels;

    /** The exact engine's batch size. */
    @Param({"8"})
    public int batch;

    /** Images run, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Images {
        public long images;

        @Setup(Level.Iteration)
        public void clean() {
            images = 0;
        }
    }

    private Predictor predictor;
    private float[][] inputs;
    private float[][] batchIn;
    private float[][] out;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Dataset data = Datasets.open(Assets.resolve(engine.equals("exact-vww-int8") ? "data/vww01" : "data/ic01"));
        inputs = Datasets.firstInputs(data, 64);
        Model floatModel = TfliteImporter.load(Assets.resolve(FLOAT));
        ProgramSpec spec = switch (engine) {
            case "djl-float", "djl-int8" -> null;
            case "exact-int8" -> ProgramSpec.of(TfliteImporter.load(Assets.resolve(INT8)), ExactOptions.tflite());
            case "exact-vww-int8" -> ProgramSpec.of(TfliteImporter.load(Assets.resolve(VWW_INT8)),
                    ExactOptions.tflite());
            case "exact-w4a8" -> Quantizer.quantize(floatModel, Assignment.parseUniform("w=int4,a=int8:asym"), "w4a8",
                    data, 32);
            case "exact-mixed" -> Quantizer.quantize(floatModel, Assignment.randomMixed(floatModel, 42), "mixed", data,
                    32);
            case "exact-bfp" -> Quantizer.quantize(floatModel, Assignment.parseUniform("w=bfp:m8:b16,a=bfp:m8:b16"),
                    "bfp", data, 32);
            case "exact-mxint8" -> Quantizer.quantize(floatModel, Assignment.parseUniform("w=mxint8,a=mxint8"),
                    "mxint8", data, 32);
            default -> throw new IllegalArgumentException(engine);
        };
        predictor = spec == null ? Predictors.open("djl", Assets.resolve(engine.equals("djl-float") ? FLOAT : INT8))
                : new ExactPredictor(spec.withOptions(spec.options().withKernels(Kernels.parse(kernels))
                        .withBatchSize(batch)));
        int n = predictor.batchCapacity();
        batchIn = new float[n][];
        out = new float[n][predictor.outputSize()];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        predictor.close();
    }

    /** One batch (one image for the DJL engines). */
    @Benchmark
    public float[][] images(Images counter) {
        int n = batchIn.length;
        for (int i = 0; i < n; i++) {
            batchIn[i] = inputs[(next + i) % inputs.length];
        }
        predictor.predictBatch(batchIn, n, out);
        next = (next + n) % inputs.length;
        counter.images += n;
        return out;
    }
}
