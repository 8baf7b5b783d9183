package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
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
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A .tflite or .onnx model.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|SHARDS",
            description = "An MLPerf Tiny .bin directory with y_labels.csv, a shard directory from "
                    + "'bitsweep data convert', or one shard file.")
    Path data;

    @Option(names = "--engine", defaultValue = "float", paramLabel = "NAME",
            description = "Inference engine (allowed: float, djl (TFLite reference), onnxruntime (ONNX reference), "
                    + "exact; default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--assignment", paramLabel = "A.json",
            description = "Quantize the float model by this assignment (docs/ASSIGNMENT.md) and run it on the exact "
                    + "engine.")
    Path assignment;

    @Option(names = "--uniform", paramLabel = "w=SPEC,a=SPEC",
            description = "Quantize the float model uniformly, e.g. w=int4,a=int8, and run it on the exact engine.")
    String uniform;

    @Option(names = "--fusion", paramLabel = "none|residual",
            description = "With --assignment/--uniform: fuse residual ADDs into the accumulator of the conv feeding "
                    + "them (residual) or not (none); overrides the assignment's \"fusion\" key (default: the "
                    + "assignment's, else none).")
    String fusion;

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

    @Option(names = "--accumulator-bits", paramLabel = "N", defaultValue = "32",
            description = "Exact engine: accumulator width in bits, 8..32 (default: ${DEFAULT-VALUE}, TFLite's int32); "
                    + "narrower accumulators saturate, and the number of saturations is reported on stderr.")
    int accumulatorBits;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Evaluate only the first N samples (default: all).")
    int limit;

    @Option(names = "--save-outputs", paramLabel = "FILE.npy",
            description = "Write the raw model outputs as .npy in y_labels.csv order: shape [N, outputs], "
                    + "for AD [N, 196, 640] (one reconstruction per window); int8 (the raw output tensor) when the "
                    + "engine gives raw int8 outputs (exact; djl on an int8 model), else float32.")
    Path saveOutputs;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new BitSweepException("--limit must be at least 0, got " + limit);
        }
        if (offset < 0) {
            throw new BitSweepException("--offset must be at least 0, got " + offset);
        }
        if (!Files.isRegularFile(model)) {
            throw new BitSweepException("model file " + model + " does not exist");
        }
        Dataset dataset = Datasets.open(data);
        checkInputMatches(ModelFiles.load(model).input(), dataset);
        long start = System.nanoTime();
        Evaluation.Result result;
        long saturations = -1;
        try (Predictor predictor = openPredictor(dataset)) {
            result = Evaluation.run(predictor, dataset, offset, limit, saveOutputs != null);
            if (predictor instanceof ExactPredictor exact) {
                saturations = exact.program().saturations();
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
        spec.commandLine().getOut().println(result.line());
        spec.commandLine().getErr().printf(Locale.ROOT, "eval: %s engine, %d %s samples in %.1f s, data sha256 %s%n",
                engine, result.labels().length, dataset.kind(), seconds, dataset.sha256());
        if (saturations >= 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "eval: %d-bit accumulators, %d saturations%n",
                    accumulatorBits, saturations);
        }
        if (!provenance.isEmpty()) {
            spec.commandLine().getErr().println("eval: assignment provenance: " + provenance.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (residualFusions != null) {
            spec.commandLine().getErr().println("eval: residual fusion: " + (residualFusions.isEmpty() ? "no ADD fused"
                    : residualFusions.entrySet().stream().map(e -> e.getKey() + " into " + e.getValue())
                            .collect(Collectors.joining(", "))));
        }
        return 0;
    }

    /** The engine by name, or the exact engine on the float model quantized by --assignment / --uniform. */
    private Predictor openPredictor(Dataset dataset) {
        if (accumulatorBits < 8 || accumulatorBits > 32) {
            throw new BitSweepException("--accumulator-bits must be in 8..32, got " + accumulatorBits);
        }
        if (assignment == null && uniform == null) {
            if (fusion != null) {
                throw new BitSweepException("--fusion applies to a float model quantized by --assignment or --uniform "
                        + "(an int8 model runs as it is)");
            }
            if (engine.equals("exact")) {
                return new ExactPredictor(ModelFiles.load(model),
                        ExactOptions.tflite().withAccumulatorBits(accumulatorBits));
            }
            return Predictors.open(engine, model);
        }
        if (assignment != null && uniform != null) {
            throw new BitSweepException("give either --assignment or --uniform, not both");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--engine") && !engine.equals("exact")) {
            throw new BitSweepException("--assignment and --uniform run on the exact engine (allowed: --engine exact), "
                    + "got --engine " + engine);
        }
        if (calibrationOffset < 0 || calibrationOffset >= calibration(dataset).size()) {
            throw new BitSweepException("--calibration-offset must be in 0.." + (calibration(dataset).size() - 1)
                    + ", got " + calibrationOffset);
        }
        if (calibrationSamples < 1) {
            throw new BitSweepException("--calibration-samples must be at least 1, got " + calibrationSamples);
        }
        engine = "exact";
        Assignment a;
        if (assignment != null) {
            AssignmentJson.Document doc = AssignmentJson.readDocument(assignment);
            a = doc.assignment();
            provenance = doc.provenance();
        } else {
            a = Assignment.parseUniform(uniform);
        }
        if (fusion != null) {
            a = a.withSettings(a.settings().withFusion(Choices.parse(QuantSettings.Fusion.class, fusion, "--fusion")));
        }
        String source = assignment != null ? assignment.toString() : "--uniform";
        ProgramSpec q = Quantizer.quantize(ModelFiles.load(model), a, source, calibration(dataset),
                calibrationOffset, calibrationSamples);
        if (a.settings().fusion() == QuantSettings.Fusion.RESIDUAL) {
            residualFusions = q.residualFusions();
        }
        return new ExactPredictor(q.withOptions(q.options().withAccumulatorBits(accumulatorBits)));
    }

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
