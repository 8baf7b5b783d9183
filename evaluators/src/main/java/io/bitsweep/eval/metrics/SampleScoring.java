package io.bitsweep.eval.metrics;

import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.engine.Predictor;

/**
 * The one per-sample scoring loop, shared by {@code bitsweep eval} ({@link Evaluation}) and the search's executors:
 * runs a predictor over a range of samples and gives each sample's outcome under the task's metric. Classification
 * samples get their top-1 class and cross-entropy; anomaly-detection samples the MLPerf Tiny anomaly score (the mean
 * window reconstruction error, {@link AnomalyScore}).
 */
public final class SampleScoring {
    /** Probabilities are floored here before the logarithm, so a confident miss costs a finite loss. */
    static final double MIN_PROBABILITY = 1e-7;

    /**
     * One sample's result.
     *
     * @param predicted    the top-1 class, or -1 for AD
     * @param crossEntropy {@code -ln max(p[label], 1e-7)} of the model's output (classification), or NaN for AD
     * @param anomalyScore the anomaly score (AD), or NaN for classification
     */
    public record Outcome(int label, int predicted, double crossEntropy, double anomalyScore) {
        public boolean correct() {
            return predicted == label;
        }
    }

    /** Receives each sample's outcome, in sample order. */
    public interface Outcomes {
        void sample(int sample, Outcome outcome);
    }

    /** Receives every model output as it is computed, e.g. to save raw outputs; may be null. */
    public interface Outputs {
        void window(int sample, int window, float[] output, Predictor predictor);
    }

    private SampleScoring() {}

    /** Scores samples {@code [from, to)}. */
    public static void run(Predictor predictor, LabelledSamples samples, int from, int to, Outputs outputs,
            Outcomes outcomes) {
        boolean ad = samples.kind() == TaskKind.AD;
        float[] in = new float[samples.inputSize()];
        float[] out = new float[predictor.outputSize()];
        for (int s = from; s < to; s++) {
            int label = samples.label(s);
            if (ad) {
                AnomalyScore score = new AnomalyScore();
                for (int w = 0; w < samples.inputsPerSample(); w++) {
                    samples.input(s, w, in);
                    predictor.predict(in, out);
                    score.addWindow(in, out);
                    if (outputs != null) {
                        outputs.window(s, w, out, predictor);
                    }
                }
                outcomes.sample(s, new Outcome(label, -1, Double.NaN, score.score()));
            } else {
                samples.input(s, 0, in);
                predictor.predict(in, out);
                if (outputs != null) {
                    outputs.window(s, 0, out, predictor);
                }
                double p = Math.max(out[label], MIN_PROBABILITY);
                outcomes.sample(s, new Outcome(label, Accuracy.argmax(out), -Math.log(p), Double.NaN));
            }
        }
    }
}
