package io.bitsweep.search.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.provenance.BuildInfo;
import io.bitsweep.search.store.RunStore;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster determinism test: a small search submitted through {@code SparkSubmit} to a real standalone
 * master with 2 workers (1 core each) writes the same front.csv and generation Parquet files (every byte before the
 * footer, see docs/RUN-STORE.md) as the
 * same search, same seed, under {@code local[2]} in this JVM. It goes through the CLI and the shipped config only, so
 * it holds for whichever evaluator the config selects.
 *
 * <p>The application is what a user submits without the shade profile: a jar of search-driver's classes, with the
 * project's other modules passed by {@code --jars}; third-party jars come from SPARK_HOME/jars (the whole test
 * classpath, so Spark's own and ours). {@code -Dbitsweep.cluster.app-jar=search-driver/target/...-shaded.jar} submits
 * the shaded jar instead (docs/CLUSTER.md), and {@code -Dbitsweep.cluster.spark-jars=DIR} makes SPARK_HOME/jars
 * exactly the jars in DIR: CI gives it Spark's own closure (src/test/spark-distribution/pom.xml), as a Spark binary
 * distribution has it, so the shaded run shows the jar carries everything BitSweep needs beyond Spark.
 */
class StandaloneClusterSearchTest {
    static final Path REPO = Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
    static final String[] SEARCH = {"search", "--config", REPO.resolve("conf/search/ic-resnet8-mpic.conf").toString(),
            "--seed", "3", "--set", "population=6", "--set", "generations=2", "--set", "shards=2",
            "--set", "splits.calibration.samples=8", "--set", "splits.evaluation.samples=24",
            "--set", "profile.samples=12", "--set", "solver.memory-budgets=[0.5, 0.75]", "--set",
            "solver.cost-budgets=[1]", "--no-progress"};

    @Test
    void clusterRunEqualsLocalRun(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path local = tmp.resolve("local-run");
        Path cluster = tmp.resolve("cluster-run");
        String assets = Assets.dir().toString();

        Path work = Files.createDirectories(tmp.resolve("cluster"));
        Map<String, String> env = Map.of("BITSWEEP_ASSETS", assets);
        try (StandaloneCluster c = new StandaloneCluster(work, sparkHomeJars(), 2, env)) {
            List<String> submit = submitArgs(tmp, List.of());
            submit.addAll(Arrays.asList(SEARCH));
            submit.addAll(List.of("--out", cluster.toString()));
            Path log = work.resolve("submit.log");
            int exit = c.submit(log, driverJvmFlags(), REPO, Duration.ofSeconds(300), submit.toArray(String[]::new));
            assertEquals(0, exit, () -> "spark-submit failed:\n" + tail(log));
            assertTrue(Files.readString(log).contains("front: "), () -> tail(log));
        }

        assertSameAsLocalRun(SEARCH, 2, local, cluster);
    }

    /**
     * Runs the search under {@code local[2]} in this JVM into {@code local} and asserts that {@code cluster} holds
     * the same front.csv and the same Parquet data in every generation's tables.
     */
    static void assertSameAsLocalRun(String[] search, int generations, Path local, Path cluster) throws Exception {
        List<String> localArgs = new ArrayList<>(Arrays.asList(search));
        localArgs.addAll(List.of("--master", "local[2]", "--out", local.toString()));
        assertEquals(0, BitSweepCli.commandLine().execute(localArgs.toArray(String[]::new)));

        String front = Files.readString(local.resolve("front.csv"));
        assertTrue(front.lines().count() > 1, "empty front:\n" + front);
        assertEquals(front, Files.readString(cluster.resolve("front.csv")));
        for (int g = 0; g < generations; g++) {
            for (String table : List.of("population", "evaluations", "archive")) {
                String f = RunStore.generationDir(g) + "/" + table + ".parquet";
                assertArrayEquals(parquetData(local.resolve(f)), parquetData(cluster.resolve(f)), f);
            }
        }
    }

    /**
     * spark-submit's arguments up to the application's own: client mode, BitSweep's CLI as the main class, 2 cores
     * of 768 MB executors, extra {@code --conf key=value}s, and the application jar (see the class comment).
     */
    static List<String> submitArgs(Path tmp, List<String> confs) throws Exception {
        List<String> submit = new ArrayList<>(List.of("--deploy-mode", "client",
                "--class", BitSweepCli.class.getName(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2"));
        for (String conf : confs) {
            submit.addAll(List.of("--conf", conf));
        }
        String shaded = System.getProperty("bitsweep.cluster.app-jar", "");
        if (shaded.isBlank()) {
            submit.addAll(List.of("--jars", String.join(",", moduleJars(tmp))));
            submit.add(jar(classDir("search-driver"), tmp.resolve("search-driver-app.jar")).toString());
        } else {
            submit.add(Path.of(shaded).toAbsolutePath().toString());
        }
        return submit;
    }

    /**
     * A Parquet file without its footer: every data page, byte for byte. The footer is left out because parquet-mr
     * writes each column's encodings from a HashSet of enums, whose order differs between JVMs (not between runs in
     * one JVM): the same rows give footers that differ in that order only.
     */
    static byte[] parquetData(Path file) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int footer = ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOf(b, b.length - 8 - footer);
    }

    /** The driver needs the --add-opens flags (Kryo on java.nio); they are the build's one list. */
    static List<String> driverJvmFlags() {
        return Arrays.asList(BuildInfo.jvmFlags().trim().split("\\s+"));
    }

    /** The test classpath as Surefire gives it (its own java.class.path is a manifest-only jar). */
    static List<Path> testClasspath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    static boolean isProjectModule(Path entry) {
        String s = entry.toString();
        return s.contains(File.separator + "hw-sim") || s.contains(File.separator + "evaluators")
                || s.contains(File.separator + "search-driver");
    }

    /** The jars of {@code bitsweep.cluster.spark-jars} if given, else every third-party jar of the test classpath. */
    static List<Path> sparkHomeJars() throws IOException {
        String dir = System.getProperty("bitsweep.cluster.spark-jars", "");
        if (dir.isBlank()) {
            return testClasspath().stream()
                    .filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p) && !isProjectModule(p)).toList();
        }
        List<Path> jars;
        try (var files = Files.list(Path.of(dir))) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        String sparkCore = "spark-core_2.13-" + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ".jar";
        assertTrue(jars.stream().anyMatch(p -> p.getFileName().toString().equals(sparkCore)),
                () -> dir + " has no " + sparkCore + ": spark-distribution/pom.xml and the build disagree on Spark");
        assertTrue(jars.stream().noneMatch(p -> p.getFileName().toString().matches("(picocli|config|jmetal|api|xchart)-.*")),
                () -> dir + " holds BitSweep's own dependencies: " + jars);
        return jars;
    }

    /** hw-sim and evaluators as jars for --jars: the reactor's jar if packaged, else a jar of its classes. */
    static List<String> moduleJars(Path tmp) throws Exception {
        List<String> jars = new ArrayList<>();
        for (String module : List.of("hw-sim", "evaluators")) {
            Path entry = testClasspath().stream()
                    .filter(p -> p.toString().contains(File.separator + module + File.separator)
                            || p.getFileName().toString().startsWith(module + "-"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(module + " is not on the test classpath"));
            jars.add((Files.isDirectory(entry) ? jar(entry, tmp.resolve(module + ".jar")) : entry).toString());
        }
        return jars;
    }

    static Path classDir(String module) {
        return REPO.resolve(module).resolve("target/classes");
    }

    /** {@code jar --create --file jar -C dir .} through the JDK's own jar tool. */
    static Path jar(Path dir, Path jar) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        int rc = tool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", dir.toString(), ".");
        if (rc != 0) {
            throw new IllegalStateException("jar failed for " + dir);
        }
        return jar;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
