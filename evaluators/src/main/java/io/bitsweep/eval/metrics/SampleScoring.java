package io.bitsweep.eval.metrics;

import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.QuantizingPredictor;

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
        /**
         * @param rawOutput the output's raw int8 bytes if the engine gives them ({@link Predictor#rawOutput()}), else null
         * @param rawInput the int8 input bytes the engine ran on if it quantizes its input itself
         *     ({@link Predictor#rawInput(int)}), else null
         */
        void window(int sample, int window, float[] output, byte[] rawOutput, byte[] rawInput);
    }

    private SampleScoring() {}

    /**
     * Scores samples {@code [from, to)}. Model inputs (a sample's windows, for AD) run in batches of the
     * predictor's {@link Predictor#batchCapacity()}, across sample boundaries; outcomes still arrive in sample order
     * and are exactly those of one input at a time.
     */
    public static void run(Predictor predictor, LabelledSamples samples, int from, int to, Outputs outputs,
            Outcomes outcomes) {
        run(predictor, samples, from, to, outputs, outcomes, (n, sampleOf, windowOf, in, out) -> {
            for (int i = 0; i < n; i++) {
                samples.input(sampleOf[i], windowOf[i], in[i]);
            }
            if (n == 1) {
                predictor.predict(in[0], out[0]);
            } else {
                predictor.predictBatch(in, n, out);
            }
        });
    }

    /**
     * Scores classification samples {@code [from, to)} of which {@code codes} holds the inputs already quantized by
     * the predictor ({@link QuantizingPredictor#quantizeInput}, sample {@code s} at {@code s * inputBytes()}): the
     * outcomes of {@link #run(Predictor, LabelledSamples, int, int, Outputs, Outcomes)} without decoding or
     * quantizing any input. No {@link Outputs}: the float inputs are never made.
     */
    public static void runQuantized(QuantizingPredictor predictor, byte[] codes, LabelledSamples samples, int from,
            int to, Outcomes outcomes) {
        if (samples.kind() == TaskKind.AD) {
            throw new IllegalArgumentException("quantized inputs score classification only (AD scores the float input)");
        }
        int bytes = predictor.inputBytes();
        run(predictor, samples, from, to, null, outcomes,
                (n, sampleOf, windowOf, in, out) -> predictor.predictQuantized(codes, sampleOf[0] * bytes, n,
                        out));
    }

    /** Runs one batch: the {@code n} model inputs of samples {@code sampleOf}, windows {@code windowOf}. */
    private interface Batch {
        void run(int n, int[] sampleOf, int[] windowOf, float[][] in, float[][] out);
    }

    private static void run(Predictor predictor, LabelledSamples samples, int from, int to, Outputs outputs,
            Outcomes outcomes, Batch batchRun) {
        boolean ad = samples.kind() == TaskKind.AD;
        int windows = samples.inputsPerSample();
        int batch = Math.max(1, predictor.batchCapacity());
        float[][] in = new float[batch][samples.inputSize()];
        float[][] out = new float[batch][predictor.outputSize()];
        int[] sampleOf = new int[batch];
        int[] windowOf = new int[batch];
        AnomalyScore score = null;
        long total = (long) (to - from) * windows;
        for (long first = 0; first < total; first += batch) {
            int n = (int) Math.min(batch, total - first);
            for (int i = 0; i < n; i++) {
                sampleOf[i] = from + (int) ((first + i) / windows);
                windowOf[i] = (int) ((first + i) % windows);
            }
            batchRun.run(n, sampleOf, windowOf, in, out);
            for (int i = 0; i < n; i++) {
                int s = sampleOf[i];
                if (outputs != null) {
                    outputs.window(s, windowOf[i], out[i], predictor.rawOutput(i), predictor.rawInput(i));
                }
                int label = samples.label(s);
                if (!ad) {
                    double p = Math.max(out[i][label], MIN_PROBABILITY);
                    outcomes.sample(s, new Outcome(label, Accuracy.argmax(out[i]), -Math.log(p), Double.NaN));
                    continue;
                }
                if (windowOf[i] == 0) {
                    score = new AnomalyScore();
                }
                score.addWindow(in[i], out[i]);
                if (windowOf[i] == windows - 1) {
                    outcomes.sample(s, new Outcome(label, -1, Double.NaN, score.score()));
                }
            }
        }
    }
}
