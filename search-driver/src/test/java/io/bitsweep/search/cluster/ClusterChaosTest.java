package io.bitsweep.search.cluster;

import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.REPO;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.driverJvmFlags;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.sparkHomeJars;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1: faults on the real standalone cluster (master + 2 workers of 1 core on 127.0.0.1), all in one
 * submitted search of 4 generations to keep CI's time down: {@code kill -9} of an executor JVM while it runs a task
 * of generation 1, again in generation 2, and in generation 3 a worker lost for good (the worker JVM and its
 * executor killed with SIGKILL, never restarted), so the run ends on the remaining worker. The run must finish with
 * the same front.csv and generation Parquet data as the undisturbed run of the same search under {@code local[2]}
 * (StandaloneClusterSearchTest shows that equals the undisturbed cluster run), and Spark's event log must show the
 * lost tasks run again.
 */
class ClusterChaosTest {
    /**
     * Tasks must run long enough for a fault to land inside one (about 2 s each: 16 candidates on 100 images, one
     * image at a time on the Java kernels; neither setting changes a result). With 24 images and the native kernel a
     * task took tens of milliseconds on an idle machine and the kills fell between tasks. No profile and no solver
     * seeds: the faults land in generations (racing stays on), and the two driver-side phases took 322 s of the
     * test's time on the Java kernels.
     */
    static final String[] SEARCH = {"search", "--config", REPO.resolve("conf/search/ic-resnet8-mpic.conf").toString(),
            "--seed", "3", "--set", "population=16", "--set", "generations=4", "--set", "shards=2",
            "--set", "splits.calibration.count=8", "--set", "splits.calibration.samples=-1",
            "--set", "profile=off", "--set", "solver=off", "--set", "engine.kernels=java", "--set", "engine.batch-size=1",
            "--no-progress"};
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    /** The driver's summary line after each generation; Spark's log lines may share the line with it. */
    private static final Pattern GENERATION_LINE = Pattern.compile("\\bgen \\d+/\\d+: \\d+ evaluated");

    private enum Fault { KILL_EXECUTOR, LOSE_WORKER }

    private record Injection(int generation, Fault fault) {}

    @Test
    void killedExecutorsAndALostWorkerLeaveTheArchiveAsUndisturbed(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path run = tmp.resolve("cluster-run");
        Path work = Files.createDirectories(tmp.resolve("cluster"));
        Path events = Files.createDirectories(tmp.resolve("events"));
        List<Injection> plan = List.of(new Injection(1, Fault.KILL_EXECUTOR), new Injection(2, Fault.KILL_EXECUTOR),
                new Injection(3, Fault.LOSE_WORKER));
        List<String> done = new ArrayList<>();
        try (StandaloneCluster c = new StandaloneCluster(work, sparkHomeJars(), 2,
                Map.of("BITSWEEP_ASSETS", Assets.dir().toString()))) {
            List<String> submit = StandaloneClusterSearchTest.submitArgs(tmp, List.of("spark.eventLog.enabled=true",
                    "spark.eventLog.dir=" + events.toUri(), "spark.eventLog.compress=false"));
            submit.addAll(Arrays.asList(SEARCH));
            submit.addAll(List.of("--out", run.toString()));
            Path log = work.resolve("submit.log");
            Process driver = c.startSubmit(log, driverJvmFlags(), REPO, submit.toArray(String[]::new));
            for (Injection i : plan) {
                RunningTask t = awaitTaskOf(c, log, i.generation(), driver);
                if (i.fault() == Fault.KILL_EXECUTOR) {
                    StandaloneCluster.kill9(t.executor());
                } else {
                    c.killWorker(t.worker());
                }
                done.add(i + " on worker " + t.worker() + ", executor " + t.id());
            }
            int exit = StandaloneCluster.await(driver, PATIENCE, log);
            assertEquals(0, exit, () -> "spark-submit failed after " + done + ":\n" + tail(log));
            assertTrue(Files.readString(work.resolve("master.log")).contains("Removing worker"),
                    "the master never noticed the lost worker");
        }
        assertEquals(plan.size(), done.size());

        String eventLog = readAll(events);
        long lost = eventLog.lines().filter(l -> l.contains("\"Event\":\"SparkListenerTaskEnd\"")
                && l.contains("\"Reason\":\"ExecutorLostFailure\"")).count();
        // At least one fault must have hit a running task (else the test proved nothing about retries). Not one per
        // fault: a task can finish between the "Running task" line and the kill, and on an idle machine 1 or 2 of the
        // 3 faults did (measured, twice); the archive below must be the undisturbed one either way.
        assertTrue(lost >= 1, "no fault hit a running task " + done + ": the event log has no ExecutorLostFailure");
        assertTrue(eventLog.lines().anyMatch(l -> l.contains("\"Event\":\"SparkListenerTaskStart\"")
                && !l.contains("\"Attempt\":0")), "no task was retried after " + done);

        StandaloneClusterSearchTest.assertSameAsLocalRun(SEARCH, 4, tmp.resolve("local-run"), run);
    }

    private record RunningTask(int worker, String id, ProcessHandle executor) {}

    /**
     * Waits until generations before {@code generation} are scored (their summary lines are in the driver's log)
     * and then until an executor starts a task, which is then one of {@code generation}'s (a generation's line is
     * printed after its last task), and returns that executor 0.2 s into its task.
     */
    private static RunningTask awaitTaskOf(StandaloneCluster c, Path driverLog, int generation, Process driver)
            throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (generationsWritten(driverLog) < generation) {
            check(deadline, driver, driverLog, "generation " + (generation - 1) + " to be written");
        }
        Map<Path, Long> before = startedTasks(c);
        while (true) {
            Map<Path, Long> now = startedTasks(c);
            for (int w = 0; w < c.workers(); w++) {
                for (Map.Entry<String, ProcessHandle> e : c.executors(w).entrySet()) {
                    Path stderr = stderrOf(c, w, e.getKey(), now);
                    if (stderr != null && now.get(stderr) > before.getOrDefault(stderr, 0L)) {
                        Thread.sleep(200);
                        return new RunningTask(w, e.getKey(), e.getValue());
                    }
                }
            }
            check(deadline, driver, driverLog, "a task of generation " + generation);
        }
    }

    private static void check(long deadline, Process driver, Path log, String what) throws InterruptedException {
        if (!driver.isAlive()) {
            throw new AssertionError("the search ended while waiting for " + what + ":\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
            throw new AssertionError("timed out waiting for " + what + ":\n" + tail(log));
        }
        Thread.sleep(100);
    }

    private static long generationsWritten(Path driverLog) throws IOException {
        try (Stream<String> lines = Files.lines(driverLog)) {
            return lines.filter(l -> GENERATION_LINE.matcher(l).find()).count();
        }
    }

    /** "Running task" lines in every executor's stderr ({@code <work dir>/app-*}/{@code <id>}/stderr). */
    private static Map<Path, Long> startedTasks(StandaloneCluster c) throws IOException {
        Map<Path, Long> out = new HashMap<>();
        for (int w = 0; w < c.workers(); w++) {
            try (Stream<Path> files = Files.walk(c.workDir(w), 3)) {
                for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
                    try (Stream<String> lines = Files.lines(f)) {
                        out.put(f, lines.filter(l -> l.contains("Running task")).count());
                    } catch (UncheckedIOException e) {
                        out.put(f, 0L); // a line being written is not yet valid UTF-8: count it next time
                    }
                }
            }
        }
        return out;
    }

    private static Path stderrOf(StandaloneCluster c, int worker, String executorId, Map<Path, Long> known) {
        Path workDir = c.workDir(worker);
        return known.keySet().stream().filter(p -> p.startsWith(workDir)
                && p.getParent().getFileName().toString().equals(executorId)).findFirst().orElse(null);
    }

    /** Every file under dir (Spark 4 writes an event log as a directory of rolled files). */
    private static String readAll(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sb.append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }
}
