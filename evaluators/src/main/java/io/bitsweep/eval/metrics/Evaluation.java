package io.bitsweep.eval.metrics;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.engine.Predictor;

/**
 * Runs a predictor over (the first {@code limit} samples of) a data set and scores it with the task's metric:
 * top-1 accuracy for IC, VWW and KWS; ROC AUC of the mean-window-MSE anomaly score for AD. Optionally keeps every
 * raw output, in sample order, as one flat array: [samples, outputs] or, for AD, [samples, windows, outputs].
 */
public final class Evaluation {

    /**
     * Per-sample results plus the metric. {@code predicted} is set for classification, {@code scores} for AD.
     * {@code rawOutputs} holds the raw int8 outputs (same order and shape as {@code outputs}) when outputs are kept
     * and the predictor gives raw int8 outputs ({@link Predictor#rawOutput()}), else null. {@code rawInputs} holds
     * the int8 input bytes the predictor ran on ({@link Predictor#rawInput(int)}), shape {@code inputShape}, when
     * inputs are kept and the predictor has them, else null.
     */
    public record Result(TaskKind kind, int[] labels, int[] predicted, double[] scores, float[] outputs,
                         int[] outputShape, byte[] rawOutputs, byte[] rawInputs, int[] inputShape) {
        public boolean isAnomalyDetection() {
            return kind == TaskKind.AD;
        }

        public Accuracy accuracy() {
            if (isAnomalyDetection()) {
                throw new IllegalStateException("AD is scored by ROC AUC, not accuracy");
            }
            return Accuracy.of(predicted, labels);
        }

        public double auc() {
            return RocAuc.of(scores, labels);
        }

        /** The one result line: {@code accuracy: 0.8550 (171/200)} or {@code auc: 0.9029}. */
        public String line() {
            return isAnomalyDetection() ? RocAuc.line(auc()) : accuracy().toString();
        }
    }

    private Evaluation() {}

    /**
     * @param limit evaluate the first {@code limit} samples (all if {@code limit <= 0} or larger than the set)
     * @param keepOutputs whether {@link Result#outputs()} holds the raw outputs (else null)
     */
    public static Result run(Predictor predictor, Dataset data, int limit, boolean keepOutputs) {
        return run(predictor, data, 0, limit, keepOutputs);
    }

    /**
     * The same over samples {@code offset}, {@code offset + 1}, ...: the search's evaluation split, which need not
     * start at the first sample.
     */
    public static Result run(Predictor predictor, Dataset data, int offset, int limit, boolean keepOutputs) {
        return run(predictor, data, offset, limit, keepOutputs, false);
    }

    /**
     * The same, also keeping the int8 input bytes the predictor ran on ({@code keepInputs}): shape [samples, *the
     * data's input shape], for AD [samples, windows, inputs].
     */
    public static Result run(Predictor predictor, Dataset data, int offset, int limit, boolean keepOutputs,
            boolean keepInputs) {
        if (offset < 0 || offset >= data.size()) {
            throw new BitSweepException("offset " + offset + " is outside the " + data.size() + " samples");
        }
        int left = data.size() - offset;
        int n = limit <= 0 ? left : Math.min(limit, left);
        int windows = data.inputsPerSample();
        int outSize = predictor.outputSize();
        boolean ad = data.kind() == TaskKind.AD;
        if (ad && outSize != data.inputSize()) {
            throw new BitSweepException("the model's output has " + outSize + " values, but an AD autoencoder must "
                    + "reconstruct its " + data.inputSize() + " inputs");
        }
        if (!ad && outSize != data.classes()) {
            throw new BitSweepException("the model has " + outSize + " outputs, but the " + data.kind()
                    + " data has " + data.classes() + " classes");
        }
        int[] outputShape = ad ? new int[] {n, windows, outSize} : new int[] {n, outSize};
        int[] inputShape = ad ? new int[] {n, windows, data.inputSize()} : prepend(n, data.inputShape());
        float[] outputs = keepOutputs ? new float[arraySize("--save-outputs", (long) n * windows * outSize)] : null;
        int inputBytes = keepInputs ? arraySize("--save-inputs", (long) n * windows * data.inputSize()) : 0;
        int[] labels = new int[n];
        int[] predicted = ad ? null : new int[n];
        double[] scores = ad ? new double[n] : null;
        KeptOutputs kept = keepOutputs || keepInputs
                ? new KeptOutputs(offset, windows, outSize, outputs, data.inputSize(), inputBytes) : null;
        SampleScoring.run(predictor, data, offset, offset + n, kept, (s, o) -> {
            labels[s - offset] = o.label();
            if (ad) {
                scores[s - offset] = o.anomalyScore();
            } else {
                predicted[s - offset] = o.predicted();
            }
        });
        return new Result(data.kind(), labels, predicted, scores, outputs, outputShape,
                kept == null ? null : kept.raw, kept == null ? null : kept.rawInputs, inputShape);
    }

    private static int arraySize(String option, long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new BitSweepException(option + ": " + count + " values do not fit one array; use --limit");
        }
        return (int) count;
    }

    private static int[] prepend(int n, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /**
     * Every output in sample order (when {@code outputs} is not null), and the raw int8 outputs too when the predictor
     * gives them; with {@code inputBytes > 0}, the int8 inputs the predictor ran on, when it has them.
     */
    private static final class KeptOutputs implements SampleScoring.Outputs {
        private final int offset;
        private final int windows;
        private final int outSize;
        private final float[] outputs;
        private final int inSize;
        private final int inputBytes;
        private byte[] raw;
        private byte[] rawInputs;

        KeptOutputs(int offset, int windows, int outSize, float[] outputs, int inSize, int inputBytes) {
            this.offset = offset;
            this.windows = windows;
            this.outSize = outSize;
            this.outputs = outputs;
            this.inSize = inSize;
            this.inputBytes = inputBytes;
        }

        @Override
        public void window(int sample, int window, float[] output, byte[] r, byte[] rawInput) {
            int row = (sample - offset) * windows + window;
            if (outputs != null) {
                System.arraycopy(output, 0, outputs, row * outSize, outSize);
                if (r != null) {
                    if (raw == null) {
                        raw = new byte[outputs.length];
                    }
                    System.arraycopy(r, 0, raw, row * outSize, outSize);
                }
            }
            if (inputBytes > 0 && rawInput != null) {
                if (rawInputs == null) {
                    rawInputs = new byte[inputBytes];
                }
                System.arraycopy(rawInput, 0, rawInputs, row * inSize, inSize);
            }
        }
    }
}
