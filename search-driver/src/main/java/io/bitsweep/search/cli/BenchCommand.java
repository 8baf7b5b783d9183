package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.predictors.Predictors;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.search.bench.NpyInputs;
import io.bitsweep.search.bench.Throughput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep bench}: single-thread images/s of our engines against DJL-TFLite (TFLite models) or ONNX Runtime
 * (ONNX models) in one run, on real inputs or a model's generated inputs (.npy). Prints one line per engine: images/s
 * and ms/image by wall clock and by thread CPU time, and the CPU-time ratios against DJL int8 and DJL float and the
 * CPU-time ratio to the exact int8 engine, or to the w8a8 candidate without an int8 model ("-" when that engine was
 * not run). All engines run in one JVM, as in a Spark executor that evaluates several kinds of candidates: each
 * warms up in turn, then the timed seconds are split into rounds that visit every engine, so that the ratios do not
 * move with the machine's load between one engine's window and the next. A quick figure, not a JMH measurement (the
 * JMH benchmark is ExactEngineBenchmark).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Images/s per thread: the exact engine (the int8 model; w8a8, w4a8, mixed per-channel "
                + "2/4/8/pruned, bfp:m8:b16 and mxint8 candidates from the float model) and our float engine "
                + "against DJL-TFLite float and int8 (TFLite models) or ONNX Runtime (ONNX models), in one JVM, "
                + "interleaved. The exact engines run batches of --batch-size images on the --kernels kernels.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--float-model", required = true, paramLabel = "FILE",
            description = "The float32 model, .tflite or .onnx: the float engines' model and the candidates' source.")
    Path floatModel;

    @Option(names = "--int8-model", paramLabel = "FILE",
            description = "The int8 .tflite model, for djl-int8 and exact-int8 (without it they are not run).")
    Path int8Model;

    @Option(names = "--data", required = true, paramLabel = "DIR|SHARDS|X.npy",
            description = "Inputs to cycle through (the first 64), and the candidates' calibration samples: a data "
                    + "set as --data means everywhere, or a .npy [N, ...] of model inputs in the float model's "
                    + "declared layout (NHWC for TFLite, NCHW for ONNX), such as a generated model's inputs_f32.npy.")
    Path data;

    @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
            description = "Timed seconds per engine, after as long a warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--rounds", defaultValue = "8", paramLabel = "N",
            description = "The timed seconds are split into N rounds that visit the engines in turn, so that all "
                    + "engines see the same machine conditions (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--engines", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Run only these engines, in the listed order (default: those the model files allow, of "
                    + "djl-float, onnxruntime, djl-int8, float, exact-int8, exact-w8a8, exact-w4a8, exact-mixed, "
                    + "exact-bfp, exact-mxint8, in that order: djl-float for a .tflite float model, onnxruntime for "
                    + "an .onnx one, djl-int8 and exact-int8 with --int8-model).")
    List<String> engines;

    @Option(names = "--kernels", split = ",", defaultValue = "auto", paramLabel = "auto|java|native[,...]",
            description = "Kernels of the exact engines (default: ${DEFAULT-VALUE}). With several, every exact "
                    + "engine runs once per kernel, in rows named ENGINE:KERNEL, interleaved with the others, and "
                    + "time/int8 compares each row with exact-int8 (exact-w8a8 when exact-int8 is not run) on the "
                    + "same kernels.")
    List<String> kernels;

    @Option(names = "--batch-size", defaultValue = "" + ExactOptions.DEFAULT_BATCH_SIZE, paramLabel = "N",
            description = "Images per pass of the exact engines, 1.." + ExactOptions.MAX_BATCH_SIZE
                    + " (default: ${DEFAULT-VALUE}); the other engines take one at a time.")
    int batchSize;

    /** Every engine bench knows, in its default order (the option's description lists them too). */
    static final List<String> ENGINE_NAMES = List.of("djl-float", "onnxruntime", "djl-int8", "float", "exact-int8",
            "exact-w8a8", "exact-w4a8", "exact-mixed", "exact-bfp", "exact-mxint8");

    @Override
    public Integer call() {
        if (!(seconds > 0)) {
            throw UsageError.of(spec, "--seconds must be positive, got " + seconds);
        }
        if (rounds < 1) {
            throw UsageError.of(spec, "--rounds must be at least 1, got " + rounds);
        }
        for (Path m : int8Model == null ? List.of(floatModel) : List.of(floatModel, int8Model)) {
            if (!Files.isRegularFile(m)) {
                throw new BitSweepException("model file " + m + " does not exist");
            }
        }
        boolean onnx = ModelFiles.format(floatModel) == ModelFiles.Format.ONNX;
        List<String> selected = engines == null ? defaultEngines(onnx, int8Model != null) : engines;
        for (String e : selected) {
            if (!ENGINE_NAMES.contains(e)) {
                throw UsageError.of(spec, "--engines: unknown engine '" + e + "' (allowed: "
                        + String.join(", ", ENGINE_NAMES) + ")");
            }
            String why = whyNot(e, onnx, int8Model != null);
            if (why != null) {
                throw UsageError.of(spec, "--engines: " + e + " " + why);
            }
        }
        List<ExecutionSettings> runs = new ArrayList<>();
        for (String k : kernels) {
            runs.add(EngineOptions.of(spec, k, batchSize));
        }
        boolean npy = data.getFileName().toString().endsWith(".npy");
        Model fm = npy || selected.stream().anyMatch(e -> e.startsWith("exact-") && !e.equals("exact-int8"))
                ? ModelFiles.load(floatModel) : null; // the candidates' source, and the layout of .npy inputs
        LabelledSamples dataset = npy ? NpyInputs.read(data, fm) : Datasets.open(data);
        float[][] inputs = Datasets.firstInputs(dataset, 64);
        List<Throughput.Engine> opened = new ArrayList<>();
        Map<String, Throughput.Result> results = new LinkedHashMap<>();
        try {
            for (String e : selected) {
                if (!e.startsWith("exact-")) {
                    opened.add(new Throughput.Engine(e, open(e)));
                    continue;
                }
                for (ExecutionSettings run : runs) {
                    String name = runs.size() == 1 ? e : e + ":" + run.kernels().label();
                    opened.add(new Throughput.Engine(name, openExact(e, fm, dataset, run)));
                }
            }
            for (Throughput.Result r : Throughput.measureInterleaved(opened, inputs, seconds, seconds, rounds)) {
                results.put(r.name(), r);
            }
        } finally {
            opened.forEach(e -> e.predictor().close());
        }
        // time/int8 is against the exact int8 engine on the same kernels (other engines: the first listed kernels);
        // without an int8 model (ONNX), against the w8a8 candidate, the same arithmetic from the float model
        String int8 = selected.contains("exact-int8") ? "exact-int8" : "exact-w8a8";
        String int8Row = runs.size() == 1 ? int8 : int8 + ":" + runs.get(0).kernels().label();
        var out = spec.commandLine().getOut();
        // the engine column as wide as its longest name (exact-mxint8:native)
        String name = "%-" + results.keySet().stream().mapToInt(String::length).reduce(12, Math::max) + "s";
        out.printf(Locale.ROOT, name + " %10s %10s %12s %12s %11s %12s %12s%n", "engine", "images/s", "ms/image",
                "cpu-images/s", "cpu-ms/image", "x djl-int8", "x djl-float", "time/int8");
        for (Throughput.Result r : results.values()) {
            out.printf(Locale.ROOT, name + " %10.1f %10.3f %12.1f %12.3f %11s %12s %12s%n", r.name(), r.perSecond(),
                    r.millisPerInference(), r.perCpuSecond(), r.cpuMillisPerInference(),
                    ratio(r.perCpuSecond(), results.get("djl-int8"), Throughput.Result::perCpuSecond),
                    ratio(r.perCpuSecond(), results.get("djl-float"), Throughput.Result::perCpuSecond),
                    ratio(r.cpuMillisPerInference(), results.get(r.name().contains(":")
                            ? int8 + r.name().substring(r.name().indexOf(':')) : int8Row),
                            Throughput.Result::cpuMillisPerInference));
        }
        return 0;
    }

    /** The engines that run on the given model files, in {@link #ENGINE_NAMES}' order. */
    static List<String> defaultEngines(boolean onnx, boolean int8Model) {
        return ENGINE_NAMES.stream().filter(e -> whyNot(e, onnx, int8Model) == null).toList();
    }

    /** Why {@code engine} cannot run on the given model files ("needs ..."), or null when it can. */
    private static String whyNot(String engine, boolean onnx, boolean int8Model) {
        return switch (engine) {
            case "djl-float" -> onnx ? "needs a .tflite --float-model (use onnxruntime for ONNX)" : null;
            case "onnxruntime" -> onnx ? null : "needs an .onnx --float-model (use djl-float for TFLite)";
            case "djl-int8", "exact-int8" -> int8Model ? null : "needs --int8-model";
            default -> null;
        };
    }

    private Predictor open(String engine) {
        return switch (engine) {
            case "djl-float" -> Predictors.open("djl", floatModel);
            case "onnxruntime" -> Predictors.open("onnxruntime", floatModel);
            case "djl-int8" -> Predictors.open("djl", int8Model);
            case "float" -> Predictors.open("float", floatModel);
            default -> throw new IllegalStateException(engine);
        };
    }

    /** An exact engine: the int8 model as it is, or a candidate quantized from the float model. */
    private ExactPredictor openExact(String engine, Model fm, LabelledSamples dataset, ExecutionSettings run) {
        ProgramSpec spec = switch (engine) {
            case "exact-int8" -> ProgramSpec.of(ModelFiles.load(int8Model), ExactOptions.tflite());
            case "exact-w8a8" -> candidate(fm, Assignment.parseUniform("w=int8,a=int8:asym"), "w8a8", dataset);
            case "exact-w4a8" -> candidate(fm, Assignment.parseUniform("w=int4,a=int8:asym"), "w4a8", dataset);
            case "exact-mixed" -> candidate(fm, Assignment.randomMixed(fm, 42), "mixed", dataset);
            case "exact-bfp" -> candidate(fm, Assignment.parseUniform("w=bfp:m8:b16,a=bfp:m8:b16"), "bfp", dataset);
            case "exact-mxint8" -> candidate(fm, Assignment.parseUniform("w=mxint8,a=mxint8"), "mxint8", dataset);
            default -> throw new IllegalStateException(engine);
        };
        return new ExactPredictor(spec.withOptions(run.applyTo(spec.options())));
    }

    private static ProgramSpec candidate(Model floatModel, Assignment assignment, String name,
            LabelledSamples dataset) {
        return Quantizer.quantize(floatModel, assignment, name, dataset, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
    }

    /** {@code value / reference(r)} with two decimals, "-" when the reference engine did not run. */
    private static String ratio(double value, Throughput.Result reference,
            ToDoubleFunction<Throughput.Result> of) {
        return reference == null ? "-" : String.format(Locale.ROOT, "%.2f", value / of.applyAsDouble(reference));
    }
}
