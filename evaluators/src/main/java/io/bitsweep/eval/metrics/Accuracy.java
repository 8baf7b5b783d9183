package io.bitsweep.eval.metrics;

import java.util.Locale;

/** Top-1 accuracy as a count, so partial results from shards add up exactly. */
public record Accuracy(long correct, long total) {
    public Accuracy {
        if (correct < 0 || total < 0 || correct > total) {
            throw new IllegalArgumentException("accuracy " + correct + "/" + total);
        }
    }

    public static Accuracy of(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + labels.length + " labels");
        }
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return new Accuracy(correct, labels.length);
    }

    public Accuracy plus(Accuracy other) {
        return new Accuracy(correct + other.correct, total + other.total);
    }

    /** correct/total; NaN for an empty set. */
    public double value() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** The result line of {@code bitsweep eval}: {@code accuracy: 0.8550 (171/200)}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy: %.4f (%d/%d)", value(), correct, total);
    }

    /** Index of the largest value; the first one on ties (as NumPy's argmax). */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
