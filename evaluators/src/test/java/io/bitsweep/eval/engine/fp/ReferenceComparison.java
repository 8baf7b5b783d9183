package io.bitsweep.eval.engine.fp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.metrics.Accuracy;
import io.bitsweep.eval.metrics.AnomalyScore;
import io.bitsweep.eval.metrics.RocAuc;
import java.util.Arrays;

/**
 * Runs our engine and the DJL reference side by side over every sample (and window) of a data set, recording the
 * worst output difference relative to the largest reference output, and both engines' predictions or scores.
 */
final class ReferenceComparison {
    final int samples;
    final int[] labels;
    final int[] ours;
    final int[] reference;
    final double[] ourScores;
    final double[] referenceScores;
    /** Per sample, the largest |ours - DJL| over its outputs (and windows). */
    final double[] sampleMaxDifference;
    double worstRelativeError;
    String worstWhere = "";

    ReferenceComparison(Predictor engine, Predictor djl, Dataset data, boolean anomaly) {
        samples = data.size();
        labels = new int[samples];
        ours = new int[samples];
        reference = new int[samples];
        ourScores = new double[samples];
        referenceScores = new double[samples];
        sampleMaxDifference = new double[samples];
        float[] in = new float[data.inputSize()];
        float[] a = new float[engine.outputSize()];
        float[] b = new float[djl.outputSize()];
        for (int s = 0; s < samples; s++) {
            labels[s] = data.label(s);
            AnomalyScore scoreA = new AnomalyScore();
            AnomalyScore scoreB = new AnomalyScore();
            for (int w = 0; w < data.inputsPerSample(); w++) {
                data.input(s, w, in);
                engine.predict(in, a);
                djl.predict(in, b);
                record(a, b, data.id(s) + (anomaly ? " window " + w : ""));
                for (int i = 0; i < a.length; i++) {
                    sampleMaxDifference[s] = Math.max(sampleMaxDifference[s], Math.abs(a[i] - b[i]));
                }
                if (anomaly) {
                    scoreA.addWindow(in, a);
                    scoreB.addWindow(in, b);
                }
            }
            ours[s] = Accuracy.argmax(a);
            reference[s] = Accuracy.argmax(b);
            if (anomaly) {
                ourScores[s] = scoreA.score();
                referenceScores[s] = scoreB.score();
            }
        }
    }

    private void record(float[] a, float[] b, String where) {
        float largest = 0f;
        for (float v : b) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0f, "reference output is all zero at " + where);
        for (int i = 0; i < a.length; i++) {
            double rel = Math.abs(a[i] - b[i]) / largest;
            if (rel > worstRelativeError || Double.isNaN(rel)) {
                worstRelativeError = Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel;
                worstWhere = where + " output " + i + ": ours " + a[i] + ", DJL " + b[i];
            }
        }
    }

    /** The median over samples of {@link #sampleMaxDifference}. */
    double medianMaxDifference() {
        double[] sorted = sampleMaxDifference.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    int agreeingTop1() {
        int n = 0;
        for (int s = 0; s < samples; s++) {
            n += ours[s] == reference[s] ? 1 : 0;
        }
        return n;
    }

    Accuracy ourAccuracy() {
        return Accuracy.of(ours, labels);
    }

    Accuracy referenceAccuracy() {
        return Accuracy.of(reference, labels);
    }

    double ourAuc() {
        return RocAuc.of(ourScores, labels);
    }

    double referenceAuc() {
        return RocAuc.of(referenceScores, labels);
    }
}
