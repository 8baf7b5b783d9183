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
     * and the predictor gives raw int8 outputs ({@link Predictor#rawOutput()}), else null.
     */
    public record Result(TaskKind kind, int[] labels, int[] predicted, double[] scores, float[] outputs,
                         int[] outputShape, byte[] rawOutputs) {
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
        float[] outputs = null;
        if (keepOutputs) {
            long count = (long) n * windows * outSize;
            if (count > Integer.MAX_VALUE - 8) {
                throw new BitSweepException("--save-outputs: " + count + " floats do not fit one array; use --limit");
            }
            outputs = new float[(int) count];
        }
        int[] labels = new int[n];
        int[] predicted = ad ? null : new int[n];
        double[] scores = ad ? new double[n] : null;
        KeptOutputs kept = keepOutputs ? new KeptOutputs(offset, windows, outSize, outputs) : null;
        SampleScoring.run(predictor, data, offset, offset + n, kept, (s, o) -> {
            labels[s - offset] = o.label();
            if (ad) {
                scores[s - offset] = o.anomalyScore();
            } else {
                predicted[s - offset] = o.predicted();
            }
        });
        return new Result(data.kind(), labels, predicted, scores, outputs, outputShape,
                kept == null ? null : kept.raw);
    }

    /** Every output in sample order, and the raw int8 outputs too when the predictor gives them. */
    private static final class KeptOutputs implements SampleScoring.Outputs {
        private final int offset;
        private final int windows;
        private final int outSize;
        private final float[] outputs;
        private byte[] raw;

        KeptOutputs(int offset, int windows, int outSize, float[] outputs) {
            this.offset = offset;
            this.windows = windows;
            this.outSize = outSize;
            this.outputs = outputs;
        }

        @Override
        public void window(int sample, int window, float[] output, byte[] r) {
            int at = ((sample - offset) * windows + window) * outSize;
            System.arraycopy(output, 0, outputs, at, outSize);
            if (r != null) {
                if (raw == null) {
                    raw = new byte[outputs.length];
                }
                System.arraycopy(r, 0, raw, at, outSize);
            }
        }
    }
}
