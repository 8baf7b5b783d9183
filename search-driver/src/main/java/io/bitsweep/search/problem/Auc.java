package io.bitsweep.search.problem;

import java.util.Arrays;

/**
 * ROC AUC from per-sample scores (higher = more anomalous) and 0/1 labels: the Mann-Whitney U statistic with
 * average ranks for ties. Written here because it is a few lines over the merged tally arrays.
 */
public final class Auc {
    private Auc() {}

    public static double of(float[] scores, byte[] labels) {
        int n = scores.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]] != 0) {
                    rankSumPositive += avgRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
