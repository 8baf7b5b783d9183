package io.bitsweep.eval.metrics;

import io.bitsweep.eval.BitSweepException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Area under the ROC curve for binary labels (1 = positive, e.g. anomaly) and scores (higher = more positive), as
 * the Mann-Whitney U statistic over ranks: AUC = (R+ - n+(n+ + 1)/2) / (n+ n-), with tied scores given their
 * average rank. This equals the trapezoidal ROC area (sklearn's roc_auc_score), ties counting one half.
 */
public final class RocAuc {
    private RocAuc() {}

    public static double of(double[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = Arrays.stream(labels).filter(l -> l == 0).count();
        if (positives + negatives != labels.length) {
            throw new BitSweepException("ROC AUC needs labels 0 and 1 only");
        }
        if (positives == 0 || negatives == 0) {
            throw new BitSweepException("ROC AUC needs both classes: " + positives + " positive and " + negatives
                    + " negative samples");
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new BitSweepException("ROC AUC: a score is NaN");
            }
        }
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double positiveRankSum = 0;
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            double averageRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int k = start; k <= end; k++) {
                if (labels[order[k]] == 1) {
                    positiveRankSum += averageRank;
                }
            }
            start = end + 1;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** The result line of {@code bitsweep eval}: {@code auc: 0.9029}. */
    public static String line(double auc) {
        return String.format(Locale.ROOT, "auc: %.4f", auc);
    }
}
