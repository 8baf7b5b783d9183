package io.bitsweep.eval.bench;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.engine.Predictor;

/**
 * Single-thread throughput of a {@link Predictor} over real inputs: warm up for a while, then count inferences in
 * a timed window, cycling through the data set's (preloaded) inputs. The figure is images per second per thread,
 * by wall clock and by the calling thread's CPU time (the fairer figure on a shared, loaded machine; DJL's native
 * interpreter runs on the calling thread, so its CPU time is counted too).
 */
public final class Throughput {
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private Throughput() {}

    /** A measurement: inferences run in {@code nanos}. */
    public record Result(String name, long inferences, long nanos, long cpuNanos) {
        public double perSecond() {
            return inferences * 1e9 / nanos;
        }

        public double perCpuSecond() {
            return inferences * 1e9 / cpuNanos;
        }

        public double millisPerInference() {
            return nanos / 1e6 / inferences;
        }

        public double cpuMillisPerInference() {
            return cpuNanos / 1e6 / inferences;
        }
    }

    /** Loads up to {@code max} first-window inputs of the data set into memory. */
    public static float[][] inputs(Dataset data, int max) {
        int n = Math.min(max, data.size());
        float[][] xs = new float[n][data.inputSize()];
        for (int i = 0; i < n; i++) {
            data.input(i, 0, xs[i]);
        }
        return xs;
    }

    public static Result measure(String name, Predictor p, float[][] inputs, double warmupSeconds, double seconds) {
        float[] out = new float[p.outputSize()];
        run(p, inputs, out, (long) (warmupSeconds * 1e9));
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long[] r = run(p, inputs, out, (long) (seconds * 1e9));
        return new Result(name, r[0], r[1], CPU.getCurrentThreadCpuTime() - cpu0);
    }

    private static long[] run(Predictor p, float[][] inputs, float[] out, long budgetNanos) {
        long start = System.nanoTime();
        long n = 0;
        long now = start;
        while (now - start < budgetNanos || n == 0) {
            p.predict(inputs[(int) (n % inputs.length)], out);
            n++;
            now = System.nanoTime();
        }
        return new long[] {n, now - start};
    }
}
