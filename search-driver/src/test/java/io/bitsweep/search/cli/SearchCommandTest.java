package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input to `bitsweep search` is one line naming the problem, exit code 1 (2 for a bad command line), no stack trace. */
class SearchCommandTest {
    static String[] run(String... args) {
        CommandLine cl = BitSweepCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), err.toString()};
    }

    @Test
    void badInputIsOneLine(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("s.conf"), "bitsweep.search { populaton = 4 }\n");
        String[] r = run("search", "--config", conf.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("error: ") && r[1].contains("bitsweep.search.populaton: unknown key"), r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);

        r = run("search", "--config", dir.resolve("none.conf").toString());
        assertTrue(r[1].contains("no such config file"), r[1]);

        Path ok = Files.writeString(dir.resolve("ok.conf"), "bitsweep.search { evaluator = nope }\n");
        r = run("search", "--config", ok.toString(), "--set", "population");
        assertTrue(r[1].contains("bad --set 'population'"), r[1]);
        r = run("search", "--config", ok.toString());
        assertTrue(r[1].contains("bitsweep.search.evaluator: unknown evaluator 'nope' (allowed: exact, synthetic)"), r[1]);
        r = run("search", "--config", ok.toString(), "--resume");
        assertTrue(r[1].contains("--resume needs --out"), r[1]);
        assertEquals("2", r[0], "a usage error");
        r = run("search", "--config", ok.toString(), "--kernels", "gpu");
        assertTrue(r[1].contains("bitsweep.search.engine.kernels: bad value 'gpu' (allowed: auto, java, native)"),
                r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);

        // --init-from becomes the init-from key, so its values are quoted whatever the path holds.
        Path synthetic = Files.writeString(dir.resolve("syn.conf"), "bitsweep.search { evaluator = synthetic, "
                + "data = \"synthetic:24\", population = 4, generations = 1, shards = 1, splits.calibration.samples = 4 }\n");
        Path corrupt = Files.writeString(dir.resolve("a, b=[c].json"), "{not json");
        r = run("search", "--config", synthetic.toString(), "--master", "local[1]", "--out",
                dir.resolve("run").toString(), "--init-from", corrupt.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("error: " + corrupt + ": not a readable JSON assignment"), r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);
    }
}
