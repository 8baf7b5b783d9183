package io.bitsweep.search.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.store.FaultyFileSystem.Fault;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 17, item 4: a write that fails in the middle of a generation (disk full, or permission lost; injected by
 * {@link FaultyFileSystem} while gen=00002's evaluations.parquet is being written) stops `bitsweep search` with a
 * one-line error and a non-zero exit, leaves generations 0 and 1 as they were and generation 2 without _COMPLETE,
 * and `--resume` on the plain local path afterwards ends with the undisturbed run's front and tables.
 */
class WriteFailureTest {
    private static final int GENERATIONS = 4;
    private static Path straight;
    private static String config;

    @TempDir
    static Path shared;

    @BeforeAll
    static void undisturbedRun() throws Exception {
        config = Path.of(WriteFailureTest.class.getResource("/synthetic.conf").toURI()).toString();
        straight = shared.resolve("straight");
        Cli r = search("--out", straight.toString());
        assertEquals(0, r.exit, r.err);
    }

    @AfterEach
    void disarm() {
        FaultyFileSystem.disarm();
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFailedWriteIsOneLineAndTheRunResumesToTheSameArchive(Fault fault, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        FaultyFileSystem.arm(fault, RunStore.generationDir(2) + "/.evaluations.parquet", 200);
        Cli failed = search("--out", FaultyFileSystem.uri(out));
        assertTrue(FaultyFileSystem.struck(), () -> "the fault never fired: " + failed.err);
        FaultyFileSystem.disarm();

        assertEquals(1, failed.exit, failed.err);
        assertTrue(failed.err.startsWith("error: cannot write "), failed.err);
        assertTrue(failed.err.contains("gen=00002/evaluations.parquet"), failed.err);
        assertTrue(failed.err.contains(fault == Fault.DISK_FULL ? "No space left on device" : "Permission denied"),
                failed.err);
        assertEquals(1, failed.err.strip().lines().count(), failed.err);

        RunStore store = RunStore.at(out.toString(), new Configuration());
        RunStore reference = RunStore.at(straight.toString(), new Configuration());
        assertEquals(1, store.lastCompleteGeneration());
        for (int g = 0; g <= 1; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(reference.readTable(g, t), store.readTable(g, t), g + " " + t);
            }
        }
        Path gen2 = out.resolve(RunStore.generationDir(2));
        assertFalse(Files.exists(gen2.resolve("evaluations.parquet")), "a partial file under its real name");
        assertFalse(Files.exists(out.resolve("front.csv")), "front.csv of an unfinished run");
        if (fault == Fault.PERMISSION_LOST) {
            // The temp file could not be deleted either: it stays, hidden, and nothing reads it.
            assertTrue(hiddenTempFiles(gen2).count() > 0, "expected the partial temp file to be left behind");
        }

        Cli resumed = search("--out", out.toString(), "--resume");
        assertEquals(0, resumed.exit, resumed.err);
        assertEquals(Files.readString(straight.resolve("front.csv")), Files.readString(out.resolve("front.csv")));
        assertEquals(GENERATIONS - 1, store.lastCompleteGeneration());
        for (int g = 0; g < GENERATIONS; g++) {
            for (String t : List.of("population", "evaluations", "archive")) {
                assertEquals(reference.readTable(g, t), store.readTable(g, t), g + " " + t);
            }
        }
    }

    private static Stream<Path> hiddenTempFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("\\..*\\.tmp")).toList().stream();
        }
    }

    private record Cli(int exit, String err) {}

    private static Cli search(String... args) {
        picocli.CommandLine cl = BitSweepCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        String[] all = Stream.concat(Stream.of("search", "--config", config, "--no-progress"), Stream.of(args))
                .toArray(String[]::new);
        return new Cli(cl.execute(all), err.toString());
    }
}
