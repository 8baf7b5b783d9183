package io.bitsweep.search.bench;

import io.bitsweep.eval.engine.Predictor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-thread throughput of {@link Predictor}s over real inputs: warm up for a while, then count inferences in
 * timed windows, cycling through the data set's (preloaded) inputs in batches of the predictor's
 * {@link Predictor#batchCapacity()} (the exact engine's batch size; 1 for the others), as the search scores shards. The figure is images per second per thread,
 * by wall clock and by the calling thread's CPU time (the fairer figure on a shared, loaded machine; DJL's native
 * interpreter runs on the calling thread, so its CPU time is counted too).
 */
public final class Throughput {
    private static final ThreadMXBean CPU =
            ManagementFactory.getThreadMXBean();

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

    /** A predictor under measurement and its name in the results. */
    public record Engine(String name, Predictor predictor) {}

    /**
     * Warms every engine up for {@code warmupSeconds}, one after the other, then runs {@code rounds} rounds in which
     * each engine in turn runs for {@code seconds / rounds}; an engine's result sums its slices. Interleaving puts
     * every engine under the same machine conditions: on a shared 2-core machine the speed of one engine drifted by
     * 25% between consecutive runs, so engines timed one block after the other gave ratios that moved with the
     * neighbours' load rather than with the engines.
     */
    public static List<Result> measureInterleaved(List<Engine> engines, float[][] inputs,
                                                           double warmupSeconds, double seconds, int rounds) {
        float[][][] outs = new float[engines.size()][][];
        for (int e = 0; e < engines.size(); e++) {
            Predictor p = engines.get(e).predictor();
            outs[e] = new float[p.batchCapacity()][p.outputSize()];
            run(p, inputs, outs[e], (long) (warmupSeconds * 1e9));
        }
        long[][] totals = new long[engines.size()][3];
        long slice = (long) (seconds * 1e9 / rounds);
        for (int r = 0; r < rounds; r++) {
            for (int e = 0; e < engines.size(); e++) {
                long cpu0 = CPU.getCurrentThreadCpuTime();
                long[] done = run(engines.get(e).predictor(), inputs, outs[e], slice);
                totals[e][0] += done[0];
                totals[e][1] += done[1];
                totals[e][2] += CPU.getCurrentThreadCpuTime() - cpu0;
            }
        }
        List<Result> results = new ArrayList<>();
        for (int e = 0; e < engines.size(); e++) {
            results.add(new Result(engines.get(e).name(), totals[e][0], totals[e][1], totals[e][2]));
        }
        return results;
    }

    private static long[] run(Predictor p, float[][] inputs, float[][] outs, long budgetNanos) {
        float[][] batch = new float[outs.length][];
        long start = System.nanoTime();
        long n = 0;
        long now = start;
        while (now - start < budgetNanos || n == 0) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = inputs[(int) ((n + i) % inputs.length)];
            }
            p.predictBatch(batch, batch.length, outs);
            n += batch.length;
            now = System.nanoTime();
        }
        return new long[] {n, now - start};
    }
}
