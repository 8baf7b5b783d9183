package io.bitsweep.eval.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH auxiliary counter of the benchmark thread's CPU time per unit of work ({@link #cpuMicrosPerUnit}) and
 * units per CPU second ({@link #unitsPerCpuSecond}), reported next to the wall-clock score: on a machine shared
 * with other builds (2 cores, load 5 to 30) wall time measures the neighbours as much as the code, the thread's CPU
 * time does not. Call {@link #start()} before and {@link #stop(long)} after the measured work.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public double cpuMicrosPerUnit;
    public double unitsPerCpuSecond;
    private long nanos;
    private long units;
    private long started;

    @Setup(Level.Iteration)
    public void clean() {
        nanos = 0;
        units = 0;
        cpuMicrosPerUnit = 0;
        unitsPerCpuSecond = 0;
    }

    public void start() {
        started = THREADS.getCurrentThreadCpuTime();
    }

    public void stop(long done) {
        nanos += THREADS.getCurrentThreadCpuTime() - started;
        units += done;
        cpuMicrosPerUnit = nanos / 1e3 / units;
        unitsPerCpuSecond = units * 1e9 / nanos;
    }
}
