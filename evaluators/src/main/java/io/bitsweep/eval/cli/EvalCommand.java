package io.bitsweep.eval.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.engine.Engines;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
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

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A .tflite model.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|SHARDS",
            description = "An MLPerf Tiny .bin directory with y_labels.csv, a shard directory from "
                    + "'bitsweep data convert', or one shard file.")
    Path data;

    @Option(names = "--engine", defaultValue = "float", paramLabel = "NAME",
            description = "Inference engine (allowed: float, djl; default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Evaluate only the first N samples (default: all).")
    int limit;

    @Option(names = "--save-outputs", paramLabel = "FILE.npy",
            description = "Write the raw model outputs as float32 .npy in y_labels.csv order: shape [N, outputs], "
                    + "for AD [N, 196, 640] (one reconstruction per window).")
    Path saveOutputs;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new BitSweepException("--limit must be at least 0, got " + limit);
        }
        if (!Files.isRegularFile(model)) {
            throw new BitSweepException("model file " + model + " does not exist");
        }
        Dataset dataset = Datasets.open(data);
        checkInputMatches(TfliteImporter.load(model).input(), dataset);
        long start = System.nanoTime();
        Evaluation.Result result;
        try (Predictor predictor = Engines.open(engine, model)) {
            result = Evaluation.run(predictor, dataset, limit, saveOutputs != null);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (saveOutputs != null) {
            Npy.writeFloats(saveOutputs, result.outputs(), result.outputShape());
        }
        spec.commandLine().getOut().println(result.line());
        spec.commandLine().getErr().printf(Locale.ROOT, "eval: %s engine, %d %s samples in %.1f s, data sha256 %s%n",
                engine, result.labels().length, dataset.kind(), seconds, dataset.sha256());
        return 0;
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
