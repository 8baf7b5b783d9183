package io.bitsweep.search.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.SampleSubset;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.predictors.Predictors;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.store.SplitsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep eval}: runs a model over a labelled data set and prints exactly one result line on stdout,
 * {@code accuracy: 0.8550 (171/200)} or {@code auc: 0.9029}. A short summary (samples, time, data sha256) goes to
 * stderr so that stdout stays machine-readable.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on a labelled data set: top-1 accuracy (IC, VWW, KWS) or ROC AUC of the "
                + "mean window reconstruction error (AD).")
public final class EvalCommand implements Callable<Integer> {
    /** What --model, --data and --assignment mean in every command that takes them (eval, hwsim, inspect). */
    static final String MODEL_DESCRIPTION = "The model: .tflite or .onnx.";
    static final String DATA_DESCRIPTION = "Labelled data: an MLPerf Tiny .bin directory with y_labels.csv, a shard "
            + "directory from 'bitsweep data convert', or one shard file.";
    static final String ASSIGNMENT_DESCRIPTION = "A quantization assignment (bitsweep.assignment/1, docs/ASSIGNMENT.md; "
            + "e.g. a search's best/<id>.json): per-channel weight formats, per-layer activation formats.";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = MODEL_DESCRIPTION)
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|SHARDS", description = DATA_DESCRIPTION)
    Path data;

    @Option(names = "--engine", defaultValue = "float", paramLabel = "NAME",
            description = "Inference engine (allowed: float, djl (TFLite reference), onnxruntime (ONNX reference), "
                    + "exact; default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--assignment", paramLabel = "A.json",
            description = ASSIGNMENT_DESCRIPTION + " Eval quantizes the float model by it and runs it on the exact "
                    + "engine.")
    Path assignment;

    @Option(names = "--uniform", paramLabel = "w=SPEC,a=SPEC",
            description = "Quantize the float model uniformly and run it on the exact engine: w=SPEC,a=SPEC (a key "
                    + "left out is int8), SPEC for both, or WEIGHTS,ACTIVATIONS; e.g. w=int4,a=int8:asym, int8, "
                    + "int4,int8 (the same grammar as hwsim).")
    String uniform;

    @Option(names = "--json", description = "Print one JSON document (bitsweep.eval/1) on stdout instead of the "
            + "result line.")
    boolean json;

    @Option(names = "--fusion", paramLabel = "none|residual",
            description = "With --assignment/--uniform: fuse residual ADDs into the accumulator of the conv feeding "
                    + "them (residual) or not (none); overrides the assignment's \"fusion\" key (default: the "
                    + "assignment's, else none).")
    String fusion;

    @Option(names = "--arithmetic", paramLabel = "tflite-2.6|tflite-micro",
            description = "Exact engine: whose int8 arithmetic it computes, byte for byte: tflite-2.6 (desktop "
                    + "TFLite 2.6.2, as --engine djl runs it) or tflite-micro (TFLite Micro's reference kernels, as TF's "
                    + "BUILTIN_REF runs them); they differ in softmax and requantization rounding (docs/ASSIGNMENT.md "
                    + "\"Arithmetic profiles\"). With --assignment/--uniform it overrides the assignment's "
                    + "\"arithmetic\" (default: the assignment's, else tflite-2.6).")
    String arithmetic;

    @Option(names = "--weight-rounding", paramLabel = "nearest|gptq",
            description = "With --assignment/--uniform: round each weight to nearest, or GPTQ-style error "
                    + "compensation through the layers' input statistics on the calibration split; overrides the "
                    + "assignment's \"weight_rounding\" (default: the assignment's, else nearest).")
    String weightRounding;

    @Option(names = "--bias-correction", negatable = true,
            description = "With --assignment/--uniform: fold each channel's expected output shift from weight "
                    + "rounding, measured on the calibration split, into its int32 bias (--no-bias-correction: "
                    + "don't); overrides the assignment's \"bias_correction\" (default: the assignment's, else off).")
    Boolean biasCorrection;

    @Option(names = "--weight-scales", paramLabel = "minmax|mse|hessian",
            description = "With --assignment/--uniform: per-channel weight clip by max |w|, least squared error, or "
                    + "least H-weighted error of the layer's output on the calibration split; overrides the "
                    + "assignment's \"weight_scales\" (default: the assignment's, else minmax).")
    String weightScales;

    @Option(names = "--calibration-method", paramLabel = "minmax|percentile|mse|output",
            description = "With --assignment/--uniform: how activation ranges are calibrated; overrides the "
                    + "assignment's \"calibration.method\" (default: the assignment's, else minmax).")
    String calibrationMethod;

    @Option(names = "--calibration-data", paramLabel = "DIR|SHARDS",
            description = "Calibration split for --assignment/--uniform (default: the first samples of --data).")
    Path calibrationData;

    @Option(names = "--calibration-samples", paramLabel = "N", defaultValue = "32",
            description = "Samples of the calibration split used (default: ${DEFAULT-VALUE}).")
    int calibrationSamples;

    @Option(names = "--calibration-offset", paramLabel = "N", defaultValue = "0",
            description = "First sample of the calibration split (default: ${DEFAULT-VALUE}); with --offset, "
                    + "reproduces a search's splits.calibration / splits.evaluation.")
    int calibrationOffset;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0",
            description = "Evaluate from sample N on (default: ${DEFAULT-VALUE}), at most --limit samples.")
    int offset;

    @Option(names = "--splits", paramLabel = "splits.json",
            description = "Score exactly a search's samples: the evaluation ids of a run's splits.json, calibrated on "
                    + "its calibration ids (reproduces a front point's archived accuracy with --assignment). Not with "
                    + "--offset, --limit, --calibration-offset, --calibration-samples or --calibration-data.")
    Path splits;

    @Option(names = "--accumulator-bits", paramLabel = "N", defaultValue = "32",
            description = "Exact engine: accumulator width in bits, 8..32 (default: ${DEFAULT-VALUE}, TFLite's int32); "
                    + "narrower accumulators saturate, and the number of saturations is reported on stderr.")
    int accumulatorBits;

    @Option(names = "--kernels", paramLabel = "auto|java|native", defaultValue = "auto",
            description = "Exact engine: its kernels (default: ${DEFAULT-VALUE}, the native AVX-512 VNNI kernel where it "
                    + "loads, else java; native is an error where it does not load). Never changes a result.")
    String kernels;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + ExactOptions.DEFAULT_BATCH_SIZE,
            description = "Exact engine: samples per pass, 1.." + ExactOptions.MAX_BATCH_SIZE
                    + " (default: ${DEFAULT-VALUE}). Never changes a result.")
    int batchSize;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "At most N samples, from --offset on (default: all).")
    int limit;

    @Option(names = "--save-outputs", paramLabel = "FILE.npy",
            description = "Write the raw model outputs as .npy in y_labels.csv order: shape [N, outputs], "
                    + "for AD [N, 196, 640] (one reconstruction per window); int8 (the raw output tensor) when the "
                    + "engine gives raw int8 outputs (exact; djl on an int8 model), else float32.")
    Path saveOutputs;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw UsageError.of(spec, "--limit must be at least 0, got " + limit);
        }
        if (offset < 0) {
            throw UsageError.of(spec, "--offset must be at least 0, got " + offset);
        }
        if (!Predictors.NAMES.contains(engine)) {
            throw UsageError.of(spec, "--engine: unknown engine '" + engine + "' (allowed: "
                    + String.join(", ", Predictors.NAMES) + ")");
        }
        if (!Files.isRegularFile(model)) {
            throw new BitSweepException("model file " + model + " does not exist");
        }
        Dataset dataset = Datasets.open(data);
        checkInputMatches(ModelFiles.load(model).input(), dataset);
        if (splits != null) {
            dataset = applySplits(dataset);
        }
        long start = System.nanoTime();
        Evaluation.Result result;
        long saturations = -1;
        try (Predictor predictor = openPredictor(dataset)) {
            result = Evaluation.run(predictor, dataset, offset, limit, saveOutputs != null);
            if (predictor instanceof ExactPredictor exact) {
                saturations = exact.program().saturations();
                computedArithmetic = exact.program().spec().options().arithmetic();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (saveOutputs != null) {
            if (result.rawOutputs() != null) {
                Npy.writeInt8(saveOutputs, result.rawOutputs(), result.outputShape());
            } else {
                Npy.writeFloats(saveOutputs, result.outputs(), result.outputShape());
            }
        }
        if (json) {
            JsonOutput.print(spec.commandLine().getOut(), document(result, dataset, seconds, saturations));
        } else {
            spec.commandLine().getOut().println(result.line());
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "eval: %s engine, %d %s samples in %.1f s, data sha256 %s%n",
                engine, result.labels().length, dataset.kind(), seconds, dataset.sha256());
        if (saturations >= 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "eval: %d-bit accumulators, %d saturations%n",
                    accumulatorBits, saturations);
            spec.commandLine().getErr().println("eval: " + Choices.word(computedArithmetic) + " arithmetic");
        }
        if (!provenance.isEmpty()) {
            spec.commandLine().getErr().println("eval: assignment provenance: " + provenance.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (quantization != null) {
            spec.commandLine().getErr().println("eval: " + quantization);
        }
        if (residualFusions != null) {
            spec.commandLine().getErr().println("eval: residual fusion: " + (residualFusions.isEmpty() ? "no ADD fused"
                    : residualFusions.entrySet().stream().map(e -> e.getKey() + " into " + e.getValue())
                            .collect(Collectors.joining(", "))));
        }
        return 0;
    }

    /** --json: the result line's numbers and what the summary lines on stderr say, as one document. */
    private ObjectNode document(Evaluation.Result result, Dataset dataset, double seconds, long saturations) {
        ObjectNode doc = JsonOutput.mapper().createObjectNode();
        doc.put("schema", "bitsweep.eval/1");
        doc.put("model", model.toString());
        doc.put("data", data.toString());
        doc.put("data_sha256", dataset.sha256());
        doc.put("engine", engine);
        doc.put("offset", offset);
        doc.put("samples", result.labels().length);
        if (result.isAnomalyDetection()) {
            doc.put("metric", "auc");
            doc.put("value", result.auc());
        } else {
            doc.put("metric", "accuracy");
            doc.put("value", result.accuracy().value());
            doc.put("correct", result.accuracy().correct());
        }
        doc.put("seconds", seconds);
        if (assignment != null) {
            doc.put("assignment", assignment.toString());
        }
        if (uniform != null) {
            doc.put("uniform", uniform);
        }
        if (saturations >= 0) {
            doc.put("accumulator_bits", accumulatorBits);
            doc.put("saturations", saturations);
            doc.put("arithmetic", Choices.word(computedArithmetic));
        }
        if (!provenance.isEmpty()) {
            ObjectNode p = doc.putObject("provenance");
            provenance.forEach(p::put);
        }
        if (residualFusions != null) {
            ObjectNode f = doc.putObject("residual_fusions");
            residualFusions.forEach(f::put);
        }
        return doc;
    }

    /** The engine by name, or the exact engine on the float model quantized by --assignment / --uniform. */
    private Predictor openPredictor(Dataset dataset) {
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw UsageError.of(spec, "--accumulator-bits must be in 8..32, got " + accumulatorBits);
        }
        ExecutionSettings run = EngineOptions.of(spec, kernels, batchSize);
        if (assignment == null && uniform == null) {
            for (String option : List.of("--fusion", "--weight-rounding", "--bias-correction", "--no-bias-correction",
                    "--weight-scales", "--calibration-method")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw UsageError.of(spec, option + " applies to a float model quantized by --assignment or "
                            + "--uniform (an int8 model runs as it is)");
                }
            }
            if (engine.equals("exact")) {
                Arithmetic profile = arithmetic == null ? Arithmetic.DEFAULT
                        : OptionValues.choice(spec, Arithmetic.class, arithmetic, "--arithmetic");
                return new ExactPredictor(ModelFiles.load(model),
                        run.applyTo(ExactOptions.of(profile)).withAccumulatorBits(accumulatorBits));
            }
            if (arithmetic != null) {
                throw UsageError.of(spec, "--arithmetic chooses the exact engine's arithmetic (allowed: --engine "
                        + "exact, --assignment, --uniform), got --engine " + engine);
            }
            return Predictors.open(engine, model);
        }
        if (assignment != null && uniform != null) {
            throw UsageError.of(spec, "give either --assignment or --uniform, not both");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--engine") && !engine.equals("exact")) {
            throw UsageError.of(spec, "--assignment and --uniform run on the exact engine (allowed: --engine exact), "
                    + "got --engine " + engine);
        }
        if (calibrationOffset < 0 || calibrationOffset >= calibration(dataset).size()) {
            throw new BitSweepException("--calibration-offset must be in 0.." + (calibration(dataset).size() - 1)
                    + ", got " + calibrationOffset);
        }
        if (calibrationSamples < 1) {
            throw UsageError.of(spec, "--calibration-samples must be at least 1, got " + calibrationSamples);
        }
        engine = "exact";
        Assignment a;
        if (assignment != null) {
            AssignmentJson.Document doc = AssignmentJson.readDocument(assignment);
            a = doc.assignment();
            provenance = doc.provenance();
        } else {
            a = OptionValues.uniform(spec, uniform);
        }
        a = a.withSettings(overridden(a.settings()));
        String source = assignment != null ? assignment.toString() : "--uniform";
        quantization = describe(a.settings(), dataset);
        ProgramSpec q = Quantizer.quantize(ModelFiles.load(model), a, source, calibration(dataset),
                calibrationOffset, calibrationSamples);
        if (a.settings().fusion() == QuantSettings.Fusion.RESIDUAL) {
            residualFusions = q.residualFusions();
        }
        return new ExactPredictor(q.withOptions(run.applyTo(q.options()).withAccumulatorBits(accumulatorBits)));
    }

    /**
     * The evaluation samples of --splits as the data set (ascending ids), its calibration samples as the calibration
     * set; the options that choose samples otherwise are refused next to it.
     */
    private Dataset applySplits(Dataset whole) {
        var parsed = spec.commandLine().getParseResult();
        for (String o : List.of("--offset", "--limit", "--calibration-offset", "--calibration-samples",
                "--calibration-data")) {
            if (parsed.hasMatchedOption(o)) {
                throw new BitSweepException("--splits fixes which samples are calibrated on and scored: do not "
                        + "combine it with " + o);
            }
        }
        if (!Files.isRegularFile(splits)) {
            throw new BitSweepException("--splits " + splits + ": no such file (a run's splits.json)");
        }
        SampleSplits s;
        try {
            s = SplitsFile.read(Files.readString(splits), splits.toString());
        } catch (IOException e) {
            throw new BitSweepException("cannot read --splits " + splits + ": " + e.getMessage(), e);
        }
        if (s.dataSize() != whole.size()) {
            throw new BitSweepException("--splits " + splits + " indexes a data set of " + s.dataSize()
                    + " samples, but --data " + data + " has " + whole.size());
        }
        calibrationSet = new SampleSubset(whole, s.calibration());
        selectedSplits = s;
        calibrationSamples = s.calibrationSize();
        return new SampleSubset(whole, s.evaluationSorted());
    }

    /** The assignment's settings with those given on the command line in their place. */
    private QuantSettings overridden(QuantSettings s) {
        if (arithmetic != null) {
            s = s.withArithmetic(OptionValues.choice(spec, Arithmetic.class, arithmetic, "--arithmetic"));
        }
        if (fusion != null) {
            s = s.withFusion(OptionValues.choice(spec, QuantSettings.Fusion.class, fusion, "--fusion"));
        }
        if (weightRounding != null) {
            s = s.withWeightRounding(OptionValues.choice(spec, QuantSettings.WeightRounding.class, weightRounding,
                    "--weight-rounding"));
        }
        if (biasCorrection != null) {
            s = s.withBiasCorrection(biasCorrection);
        }
        if (weightScales != null) {
            s = s.withWeightScales(OptionValues.choice(spec, QuantSettings.WeightScales.class, weightScales,
                    "--weight-scales"));
        }
        if (calibrationMethod != null) {
            s = s.withCalibration(new QuantSettings.Calibration(OptionValues.choice(spec,
                    QuantSettings.CalibrationMethod.class, calibrationMethod, "--calibration-method"),
                    s.calibration().percentile()));
        }
        return s;
    }

    /**
     * How the model was quantized and calibrated, for stderr: the rounding methods, and the calibration samples with
     * their overlap with the evaluated ones when both come from the same data set (IC has no separate split).
     */
    private String describe(QuantSettings s, Dataset dataset) {
        String rounding = String.format(Locale.ROOT, "weights %s-rounded, %s scales, bias correction %s; calibrated "
                + "(%s) on ", Choices.word(s.weightRounding()), Choices.word(s.weightScales()),
                s.biasCorrection() ? "on" : "off", Choices.word(s.calibration().method()));
        if (selectedSplits != null) {
            Set<Integer> evaluated = Arrays.stream(selectedSplits.evaluationOrder()).boxed().collect(Collectors.toSet());
            long shared = Arrays.stream(selectedSplits.calibration()).filter(evaluated::contains).count();
            return rounding + selectedSplits.calibrationSize() + " samples of --splits " + splits + ", "
                    + (shared == 0 ? "none of them evaluated" : shared + " of them also evaluated");
        }
        Dataset cal = calibration(dataset);
        int calEnd = Math.min(calibrationOffset + calibrationSamples, cal.size());
        int evalEnd = limit > 0 ? Math.min(dataset.size(), offset + limit) : dataset.size();
        int shared = cal.sha256().equals(dataset.sha256())
                ? Math.max(0, Math.min(calEnd, evalEnd) - Math.max(calibrationOffset, offset)) : 0;
        return rounding + String.format(Locale.ROOT, "samples %d..%d of %s, %s", calibrationOffset, calEnd - 1,
                calibrationData != null ? calibrationData : data,
                shared == 0 ? "none of them evaluated" : shared + " of them also evaluated");
    }

    /** The arithmetic profile the exact engine computed (null for another engine). */
    private Arithmetic computedArithmetic;

    /** The splits of --splits, or null. */
    private SampleSplits selectedSplits;

    /** What quantization did, reported on stderr (null for a model run as it is). */
    private String quantization;

    /** The provenance the --assignment file records (reported on stderr); empty if it has none. */
    private Map<String, String> provenance = Map.of();

    /** With fusion on: the ADDs fused, and into which layer (reported on stderr). */
    private Map<String, String> residualFusions;

    private Dataset calibrationSet;

    private Dataset calibration(Dataset dataset) {
        if (calibrationSet == null) {
            calibrationSet = calibrationData != null ? Datasets.open(calibrationData) : dataset;
        }
        return calibrationSet;
    }

    /** The model's input (without its batch dimension) must hold exactly one model input of the data set. */
    private void checkInputMatches(Tensor input, Dataset dataset) {
        int[] shape = input.shape();
        long perSample = Arrays.stream(shape, shape.length > 1 ? 1 : 0, shape.length).asLongStream()
                .reduce(1, (a, b) -> a * b);
        if (perSample != dataset.inputSize()) {
            throw new BitSweepException("model " + model + " takes input " + Arrays.toString(shape) + " ("
                    + perSample + " values per sample) but data " + data + " (" + dataset.kind() + ") gives "
                    + Arrays.toString(dataset.inputShape()) + " (" + dataset.inputSize() + " values)");
        }
    }
}
