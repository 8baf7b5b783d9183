package io.bitsweep.search.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Spark standalone cluster on 127.0.0.1 (STACK-NOTES "A real Spark standalone cluster from Maven jars"): a
 * master and workers as child JVMs of this one, with a SPARK_HOME whose jars/ links to the jars of the test
 * classpath. {@link #close()} stops every process it started, by PID, executors (the workers' children) included.
 */
final class StandaloneCluster implements AutoCloseable {
    private final Path dir;
    private final Path sparkHome;
    private final Map<String, String> env;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workerProcesses = new ArrayList<>();
    private final int masterPort;

    /**
     * @param sparkJars jars for SPARK_HOME/jars (Spark and its dependencies)
     * @param env       extra environment for every process (the workers pass it on to their executors)
     */
    StandaloneCluster(Path dir, List<Path> sparkJars, int workers, Map<String, String> env) throws IOException {
        this.dir = dir;
        this.sparkHome = dir.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        Set<String> names = new HashSet<>();
        for (Path jar : sparkJars) {
            if (names.add(jar.getFileName().toString())) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        this.env = new HashMap<>(env);
        this.env.put("SPARK_HOME", sparkHome.toString());
        this.env.put("SPARK_SCALA_VERSION", "2.13"); // else executors die: "Cannot find any build directories"
        this.env.put("SPARK_LOCAL_IP", "127.0.0.1");
        this.env.put("SPARK_MASTER_HOST", "127.0.0.1");
        this.env.put("JAVA_HOME", System.getProperty("java.home")); // workers start executors with $JAVA_HOME/bin/java
        try {
            masterPort = freePort();
            Path masterLog = dir.resolve("master.log");
            start(masterLog, List.of(), "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", "" + masterPort, "--webui-port", "" + freePort());
            awaitLog(masterLog, l -> l.contains("I have been elected leader"), 1, Duration.ofSeconds(60));
            for (int w = 0; w < workers; w++) {
                Path workDir = Files.createDirectories(dir.resolve("worker-" + w));
                workerProcesses.add(start(dir.resolve("worker-" + w + ".log"), List.of(), "org.apache.spark.deploy.worker.Worker",
                        masterUrl(), "--host", "127.0.0.1", "--port", "" + freePort(), "--webui-port", "" + freePort(),
                        "--cores", "1", "--memory", "1g", "--work-dir", workDir.toString()));
            }
            awaitLog(masterLog, l -> l.contains("Registering worker"), workers, Duration.ofSeconds(60));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Runs {@code org.apache.spark.deploy.SparkSubmit args} with the driver JVM flags; returns its exit code. */
    int submit(Path log, List<String> driverJvmFlags, Path workingDir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return await(startSubmit(log, driverJvmFlags, workingDir, args), timeout, log);
    }

    /** Starts {@code org.apache.spark.deploy.SparkSubmit args} with the driver JVM flags and returns at once. */
    Process startSubmit(Path log, List<String> driverJvmFlags, Path workingDir, String... args) throws IOException {
        List<String> submitArgs = new ArrayList<>(List.of("--master", masterUrl()));
        submitArgs.addAll(Arrays.asList(args));
        return start(log, driverJvmFlags, workingDir, "org.apache.spark.deploy.SparkSubmit",
                submitArgs.toArray(String[]::new));
    }

    /** The exit code of a started submission, failing if it takes longer than timeout. */
    static int await(Process submission, Duration timeout, Path log) throws InterruptedException {
        if (!submission.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("spark-submit did not finish within " + timeout + "; log: " + log);
        }
        return submission.exitValue();
    }

    /**
     * Waits until the master has removed {@code count} applications ("Removing app" in its log), finished or, for a
     * driver that died, dropped once the master saw its connection close; their executors' cores are free again.
     */
    void awaitApplicationsRemoved(int count, Duration timeout) {
        awaitLog(dir.resolve("master.log"), l -> l.contains("Removing app"), count, timeout);
    }

    int workers() {
        return workerProcesses.size();
    }

    /** The worker's --work-dir: its executors log to {@code app-*}/{@code <executor id>}/stderr in it. */
    Path workDir(int worker) {
        return dir.resolve("worker-" + worker);
    }

    /** The live executor JVMs a worker started (CoarseGrainedExecutorBackend), by executor id. */
    Map<String, ProcessHandle> executors(int worker) {
        Map<String, ProcessHandle> out = new HashMap<>();
        workerProcesses.get(worker).toHandle().descendants().filter(ProcessHandle::isAlive).forEach(h -> {
            List<String> args = h.info().arguments().map(Arrays::asList).orElse(List.of());
            int id = args.indexOf("--executor-id");
            if (args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && id >= 0
                    && id + 1 < args.size()) {
                out.put(args.get(id + 1), h);
            }
        });
        return out;
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs, no goodbye to the master or the driver. */
    static void kill9(ProcessHandle h) {
        h.destroyForcibly();
        h.onExit().join();
    }

    /** Kills a worker JVM and its executors with SIGKILL: the worker is lost for good. */
    void killWorker(int worker) {
        ProcessHandle w = workerProcesses.get(worker).toHandle();
        List<ProcessHandle> children = w.descendants().toList();
        kill9(w);
        children.forEach(StandaloneCluster::kill9);
    }

    private Process start(Path log, List<String> jvmFlags, String mainClass, String... args) throws IOException {
        return start(log, jvmFlags, dir, mainClass, args);
    }

    private Process start(Path log, List<String> jvmFlags, Path workingDir, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + File.separator + "*");
        cmd.add(mainClass);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static void awaitLog(Path log, Predicate<String> line, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readAllLines(log).stream().filter(line).count() >= count) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + count + " matching line(s) in " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the processes in reverse start order; each one's descendants (executor JVMs) first. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            ProcessHandle h = processes.get(i).toHandle();
            List<ProcessHandle> children = new ArrayList<>(h.descendants().toList());
            for (int c = children.size() - 1; c >= 0; c--) {
                stop(children.get(c));
            }
            stop(h);
        }
        processes.clear();
    }

    private static void stop(ProcessHandle h) {
        if (!h.isAlive()) {
            return;
        }
        h.destroy();
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
    }
}
