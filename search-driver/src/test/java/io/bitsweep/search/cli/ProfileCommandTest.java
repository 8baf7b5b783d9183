package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void jsonIsOneDocumentOnStdoutWithEveryProbe(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("syn.conf"), SYNTHETIC);
        Path out = dir.resolve("run");
        CliRun table = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--out",
                dir.resolve("table").toString(), "--no-progress");
        CliRun p = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--out", out.toString(),
                "--no-progress", "--json");
        assertEquals(0, p.exit(), p.err());
        JsonNode doc = new ObjectMapper().readTree(p.out()); // the whole of stdout is the document
        assertEquals("bitsweep.profile/1", doc.get("schema").asText());
        assertEquals(out + "/sensitivity.parquet", doc.get("sensitivity").asText());
        assertEquals("bitsweep search --config " + conf + " --out " + out + " --resume", doc.get("resume").asText());
        long tableRows = table.out().lines().filter(l -> l.contains(" weights ") || l.contains(" activations "))
                .count();
        assertEquals(tableRows, doc.get("probes").size(), "one probe per row of the table");
        JsonNode first = doc.get("probes").get(0);
        assertEquals(first.get("quality").asDouble() - doc.get("baseline").get("quality").asDouble(),
                first.get("d_quality").asDouble(), 1e-12);
        assertTrue(table.out().contains(String.format(java.util.Locale.ROOT, "%-24s %-12s %-14s %+10.4f",
                first.get("layer").asText(), first.get("kind").asText(), first.get("format").asText(),
                first.get("d_quality").asDouble())), "the table and the JSON agree:\n" + table.out());
        assertTrue(doc.get("baseline").get("samples").asLong() > 0);
        assertTrue(p.err().contains("profile: "), "summary lines go to stderr: " + p.err());
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("syn.conf"), SYNTHETIC);
        CliRun r = CliRun.run(new BitSweepCli(), "profile", "--config", conf.toString(), "--set", "profile.samples=-3");
        assertEquals(1, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("bitsweep.search.profile.samples: must be > 0 or -1"), r.err());
        r = CliRun.run(new BitSweepCli(), "profile", "--json", "--config", conf.toString(), "--set",
                "profile.samples=-3");
        assertTrue(r.exit() == 1 && r.oneLineError() && r.out().isEmpty(), "no half document on stdout: " + r.out());
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
