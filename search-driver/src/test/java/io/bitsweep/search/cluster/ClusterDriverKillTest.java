package io.bitsweep.search.cluster;

import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.REPO;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.driverJvmFlags;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.jar;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.sparkHomeJars;
import static io.bitsweep.search.cluster.StandaloneClusterSearchTest.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.data.ForeignSchemeFileSystem;
import io.bitsweep.search.store.FaultyFileSystem;
import io.bitsweep.search.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1's driver case on the real standalone cluster (master + 2 workers on 127.0.0.1): spark-submit's
 * driver JVM is killed with SIGKILL while it writes generation 2 (its file system, {@link FaultyFileSystem} under
 * {@code bsfault://}, stalls creating that generation's archive.parquet after its population and evaluations are in
 * place), then the run is resumed by a new spark-submit on the same cluster. Generation 2 has no _COMPLETE and is never
 * read; the resumed run's front.csv and every generation's Parquet data equal an undisturbed local[2] run's.
 * ({@code DriverKillTest} kills a local-runner driver the same way.)
 */
class ClusterDriverKillTest {
    /**
     * No profile, no solver seeds and rounding to nearest (the shipped config's GPTQ made the first submit take 200 s
     * on the loaded CI machine): the kill lands in a generation, and the test stays short.
     */
    static final String[] SEARCH = {"search", "--config", REPO.resolve("conf/search/ic-resnet8-mpic.conf").toString(),
            "--seed", "5", "--set", "population=8", "--set", "generations=3", "--set", "shards=2",
            "--set", "splits.calibration.samples=20", "--set", "splits.evaluation.samples=60",
            "--set", "profile=off", "--set", "solver=off", "--set", "quantization.weight-rounding=nearest",
            "--no-progress"};
    private static final Duration PATIENCE = Duration.ofMinutes(4);

    @Test
    void aDriverKilledWhileWritingAGenerationResumesOnTheClusterToTheSameArchive(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp) throws Exception {
        Path run = tmp.resolve("cluster-run");
        Path gen2 = run.resolve(RunStore.generationDir(2));
        Path work = Files.createDirectories(tmp.resolve("cluster"));
        List<Path> jars = new ArrayList<>(sparkHomeJars());
        jars.add(faultyFileSystemJar(tmp)); // on spark-submit's own class path, where Hadoop looks for file systems
        try (StandaloneCluster c = new StandaloneCluster(work, jars, 2,
                Map.of("BITSWEEP_ASSETS", Assets.dir().toString()))) {
            List<String> flags = new ArrayList<>(driverJvmFlags());
            flags.add("-Dbsfault.stall=" + RunStore.generationDir(2) + "/.archive.parquet");
            Path log = work.resolve("submit.log");
            Process driver = c.startSubmit(log, flags, REPO, submit(tmp, FaultyFileSystem.uri(run), false));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!(Files.exists(gen2.resolve("evaluations.parquet"))
                    && Files.exists(gen2.resolve("population.parquet")))) {
                assertTrue(driver.isAlive() && System.nanoTime() < deadline,
                        () -> "no stall in generation 2:\n" + tail(log));
                Thread.sleep(50);
            }
            Thread.sleep(300); // into the stalled create
            driver.destroyForcibly(); // SIGKILL
            driver.waitFor();
            assertEquals(137, driver.exitValue(), () -> tail(log));

            RunStore store = RunStore.at(run.toString(), new Configuration());
            assertEquals(1, store.lastCompleteGeneration());
            assertFalse(Files.exists(gen2.resolve(RunStore.COMPLETE)));
            assertFalse(Files.exists(gen2.resolve("archive.parquet")));

            // The master drops the dead driver's application when its connection closes and frees both workers'
            // cores; resuming before that would wait for resources the dead application still holds.
            c.awaitApplicationsRemoved(1, PATIENCE);
            Path resumeLog = work.resolve("resume.log");
            int exit = c.submit(resumeLog, driverJvmFlags(), REPO, PATIENCE, submit(tmp, run.toString(), true));
            assertEquals(0, exit, () -> "the resumed spark-submit failed:\n" + tail(resumeLog));
        }
        StandaloneClusterSearchTest.assertSameAsLocalRun(SEARCH, 3, tmp.resolve("local-run"), run);
    }

    private static String[] submit(Path tmp, String out, boolean resume) throws Exception {
        List<String> args = StandaloneClusterSearchTest.submitArgs(tmp, List.of());
        args.addAll(Arrays.asList(SEARCH));
        args.addAll(List.of("--out", out));
        if (resume) {
            args.add("--resume");
        }
        return args.toArray(String[]::new);
    }

    /**
     * The bsfault file system alone (its classes and their Hadoop service entry), not the whole test class directory,
     * whose ProblemFactory service entry would name a class the driver's system class loader cannot link.
     */
    private static Path faultyFileSystemJar(Path tmp) throws Exception {
        Path classes = Path.of(FaultyFileSystem.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path staging = tmp.resolve("bsfault-classes");
        for (Class<?> type : List.of(FaultyFileSystem.class, ForeignSchemeFileSystem.class)) {
            String dir = type.getPackageName().replace('.', '/');
            try (Stream<Path> files = Files.list(classes.resolve(dir))) {
                for (Path f : files.filter(p -> p.getFileName().toString().startsWith(type.getSimpleName())
                        && p.getFileName().toString().endsWith(".class")).toList()) {
                    Path target = staging.resolve(dir).resolve(f.getFileName());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
        }
        Path services = Files.createDirectories(staging.resolve("META-INF/services"));
        Files.writeString(services.resolve("org.apache.hadoop.fs.FileSystem"),
                FaultyFileSystem.class.getName() + "\n");
        return jar(staging, tmp.resolve("bsfault.jar"));
    }
}
