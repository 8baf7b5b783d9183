package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep profile}: the profile alone into a run directory that {@code search --resume} continues without
 * profiling again; bad input is one line.
 */
class ProfileCommandTest {
    static final String SYNTHETIC = "bitsweep.search { evaluator = synthetic, runner = local, data = \"synthetic:60\", "
            + "population = 4, generations = 1, shards = 2, splits.calibration.samples = 10 }\n";

    @Test
    void profileThenSearchResumeReusesTheProfile(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("syn.conf"), SYNTHETIC);
        Path out = dir.resolve("run");
        CliRun p = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--out", out.toString(),
                "--no-progress");
        assertEquals(0, p.exit(), p.err());
        assertTrue(p.out().contains("baseline: quality ") && p.out().contains("conv_2d_1")
                && p.out().contains("weights      int2"), p.out());
        assertTrue(p.out().contains("continue with: bitsweep search --config " + conf + " --out " + out
                + " --resume"), p.out());
        byte[] profile = Files.readAllBytes(out.resolve("sensitivity.parquet"));
        assertTrue(Files.exists(out.resolve("splits.json")) && Files.exists(out.resolve("run.json")));

        CliRun s = CliRun.run(new BitSweepCli(), "search", "--config", conf.toString(), "--out", out.toString(),
                "--resume", "--no-progress");
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().contains("profile: read from "), s.out());
        assertTrue(s.out().contains("profiling 0.0 s"), s.out());
        assertArrayEquals(profile, Files.readAllBytes(out.resolve("sensitivity.parquet")), "profiled once");
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("syn.conf"), SYNTHETIC);
        CliRun r = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--set", "profile.samples=-3");
        assertEquals(1, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("bitsweep.search.profile.samples: must be > 0 or -1"), r.err());
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full/x"), "");
        r = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--out", dir.resolve("full")
                .toString());
        assertTrue(r.oneLineError() && r.err().contains("already exists and is not empty"), r.err());
        r = CliRun.run(new BitSweepCli(), "profile", "--config", dir.resolve("nope.conf").toString());
        assertTrue(r.oneLineError() && r.err().contains("no such config file"), r.err());
        r = CliRun.run(new BitSweepCli(), "profile", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("sensitivity profile") && r.out().contains("--config"), r.out());
    }
}
