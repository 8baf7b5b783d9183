package io.bitsweep.eval.metrics;

/**
 * The MLPerf Tiny anomaly score of one file: the mean over its windows of the autoencoder's reconstruction error,
 * MSE(input, output) averaged over the window's values. Accumulated window by window, in double.
 */
public final class AnomalyScore {
    private double sum;
    private int windows;

    public static double mse(float[] input, float[] output) {
        if (input.length != output.length) {
            throw new IllegalArgumentException("MSE of " + input.length + " inputs and " + output.length + " outputs");
        }
        double s = 0;
        for (int i = 0; i < input.length; i++) {
            double d = (double) input[i] - output[i];
            s += d * d;
        }
        return s / input.length;
    }

    public void addWindow(float[] input, float[] output) {
        sum += mse(input, output);
        windows++;
    }

    /** The mean window MSE; NaN before any window. */
    public double score() {
        return windows == 0 ? Double.NaN : sum / windows;
    }
}
