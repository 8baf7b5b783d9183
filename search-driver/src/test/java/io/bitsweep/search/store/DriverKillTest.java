package io.bitsweep.search.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.provenance.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, item 1's driver case: the driver JVM killed with SIGKILL while a generation is being written, then
 * {@code --resume}. The driver is a forked `bitsweep search` (synthetic problem, local runner: the run store is
 * written by the driver whatever the runner) whose file system stalls creating generation 2's archive.parquet, after
 * its population and evaluations are in place; the test kills it there. Generation 2 has no _COMPLETE and is not
 * read: the resumed run ends with the undisturbed run's front and tables.
 */
class DriverKillTest {
    private static final int GENERATIONS = 4;

    @Test
    void aDriverKilledWhileWritingAGenerationResumesToTheSameArchive(@TempDir Path dir) throws Exception {
        String config = Path.of(DriverKillTest.class.getResource("/synthetic.conf").toURI()).toString();
        Path straight = dir.resolve("straight");
        assertEquals(0, BitSweepCli.commandLine().execute("search", "--config", config, "--no-progress",
                "--out", straight.toString()));

        Path out = dir.resolve("killed");
        Path gen2 = out.resolve(RunStore.generationDir(2));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbsfault.stall=" + RunStore.generationDir(2) + "/.archive.parquet"));
        cmd.addAll(Arrays.asList(BuildInfo.jvmFlags().trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                BitSweepCli.class.getName(), "search", "--config", config, "--no-progress",
                "--out", FaultyFileSystem.uri(out)));
        Path log = dir.resolve("driver.log");
        Process driver = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!(Files.exists(gen2.resolve("evaluations.parquet")) && Files.exists(gen2.resolve("population.parquet")))) {
            assertTrue(driver.isAlive() && System.nanoTime() < deadline, () -> "no stall in generation 2: " + read(log));
            Thread.sleep(50);
        }
        Thread.sleep(300); // into the stalled create
        driver.destroyForcibly(); // SIGKILL
        driver.waitFor();
        assertEquals(137, driver.exitValue(), () -> read(log));

        RunStore store = RunStore.at(out.toString(), new Configuration());
        assertEquals(1, store.lastCompleteGeneration());
        assertFalse(Files.exists(gen2.resolve(RunStore.COMPLETE)));
        assertFalse(Files.exists(gen2.resolve("archive.parquet")));

        assertEquals(0, BitSweepCli.commandLine().execute("search", "--config", config, "--no-progress",
                "--out", out.toString(), "--resume"));
        RunStore reference = RunStore.at(straight.toString(), new Configuration());
        assertEquals(Files.readString(straight.resolve("front.csv")), Files.readString(out.resolve("front.csv")));
        assertEquals(GENERATIONS - 1, store.lastCompleteGeneration());
        for (int g = 0; g < GENERATIONS; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(reference.readTable(g, t), store.readTable(g, t), g + " " + t);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
