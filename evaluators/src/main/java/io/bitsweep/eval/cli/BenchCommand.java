package io.bitsweep.eval.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.bench.Throughput;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Engines;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep bench}: single-thread images/s of our engines against DJL-TFLite in one run, on real inputs.
 * Prints one line per engine: images/s and ms/image by wall clock and by thread CPU time, and the CPU-time
 * ratios against DJL int8 and DJL float.
 * A quick figure, not a JMH measurement (the JMH benchmark is ExactEngineBenchmark).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Images/s per thread: the exact engine (the int8 model, a w4a8 and a mixed per-channel "
                + "2/4/8/pruned candidate, bfp:m8:b16 and mxint8 candidates from the float model) and our float engine against DJL-TFLite float and "
                + "int8, measured in one run.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--float-model", required = true, paramLabel = "FILE", description = "The float32 .tflite model.")
    Path floatModel;

    @Option(names = "--int8-model", required = true, paramLabel = "FILE", description = "The int8 .tflite model.")
    Path int8Model;

    @Option(names = "--data", required = true, paramLabel = "DIR|SHARDS", description = "Inputs to cycle through.")
    Path data;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Timed seconds per engine, after as long a warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Override
    public Integer call() {
        if (!(seconds > 0)) {
            throw new BitSweepException("--seconds must be positive, got " + seconds);
        }
        for (Path m : List.of(floatModel, int8Model)) {
            if (!Files.isRegularFile(m)) {
                throw new BitSweepException("model file " + m + " does not exist");
            }
        }
        Dataset dataset = Datasets.open(data);
        float[][] inputs = Throughput.inputs(dataset, 64);
        List<Throughput.Result> results = new ArrayList<>();
        results.add(measure("djl-float", "djl", floatModel, inputs));
        results.add(measure("djl-int8", "djl", int8Model, inputs));
        results.add(measure("float", "float", floatModel, inputs));
        results.add(measure("exact-int8", "exact", int8Model, inputs));
        Model fm = TfliteImporter.load(floatModel);
        results.add(measure("exact-w4a8", Quantizer.predictor(fm, Assignment.parseUniform("w=int4,a=int8:asym"),
                "w4a8", dataset, Quantizer.DEFAULT_CALIBRATION_SAMPLES), inputs));
        results.add(measure("exact-mixed", Quantizer.predictor(fm, Assignment.randomMixed(fm, 42), "mixed", dataset,
                Quantizer.DEFAULT_CALIBRATION_SAMPLES), inputs));
        results.add(measure("exact-bfp", Quantizer.predictor(fm, Assignment.parseUniform(
                "w=bfp:m8:b16,a=bfp:m8:b16"), "bfp", dataset, Quantizer.DEFAULT_CALIBRATION_SAMPLES), inputs));
        results.add(measure("exact-mxint8", Quantizer.predictor(fm, Assignment.parseUniform("w=mxint8,a=mxint8"),
                "mxint8", dataset, Quantizer.DEFAULT_CALIBRATION_SAMPLES), inputs));
        double djlInt8 = results.get(1).perCpuSecond();
        double djlFloat = results.get(0).perCpuSecond();
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-12s %10s %10s %12s %12s %11s %12s%n", "engine", "images/s", "ms/image",
                "cpu-images/s", "cpu-ms/image", "x djl-int8", "x djl-float");
        for (Throughput.Result r : results) {
            out.printf(Locale.ROOT, "%-12s %10.1f %10.3f %12.1f %12.3f %11.2f %12.2f%n", r.name(), r.perSecond(),
                    r.millisPerInference(), r.perCpuSecond(), r.cpuMillisPerInference(),
                    r.perCpuSecond() / djlInt8, r.perCpuSecond() / djlFloat);
        }
        return 0;
    }

    private Throughput.Result measure(String name, String engine, Path model, float[][] inputs) {
        return measure(name, Engines.open(engine, model), inputs);
    }

    private Throughput.Result measure(String name, Predictor predictor, float[][] inputs) {
        try (Predictor p = predictor) {
            return Throughput.measure(name, p, inputs, seconds, seconds);
        }
    }
}
