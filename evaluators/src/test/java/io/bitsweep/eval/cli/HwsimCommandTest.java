package io.bitsweep.eval.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HwsimCommandTest {
    private static final String MODEL = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    private static final Path CONF_HW = Path.of(System.getProperty("bitsweep.repo", ".."), "conf", "hw");

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new HwsimCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler(new CliErrors(() -> false));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void printsTheTableAndWritesTheCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out/hw.csv");
        Run r = run("--model", MODEL, "--target", CONF_HW.resolve("mpic.conf").toString(), "--csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("conv_2d_0") && r.out().contains("fully_connected_0"), r.out());
        assertTrue(r.out().contains("constraints: ok"), r.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,dram_bytes,energy_pj",
                lines.get(0));
        assertEquals(16, lines.size());
        assertTrue(lines.get(15).startsWith("total,,12501632,"), lines.get(15));
    }

    @Test
    void uniformWeightsAndActivationsAndIdealMemory() {
        Run int8 = run("--model", MODEL, "--target", "systolic-16x16-os", "--ideal-memory");
        Run w4a8 = run("--model", MODEL, "--target", "systolic-16x16-os", "--ideal-memory", "--uniform", "int4,int8");
        assertEquals(0, w4a8.exit(), w4a8.err());
        assertTrue(w4a8.out().contains("weights int4, activations int8, ideal memory"), w4a8.out());
        assertTrue(totalCycles(w4a8.out()) < totalCycles(int8.out()));
    }

    @Test
    void badInputIsOneLineNamingTheValue(@TempDir Path dir) throws Exception {
        Run badTarget = run("--model", MODEL, "--target", "tpu-v9");
        assertEquals(CliErrors.EXIT_BAD_INPUT, badTarget.exit());
        assertTrue(badTarget.err().startsWith("error: unknown target tpu-v9"), badTarget.err());
        Run badSpec = run("--model", MODEL, "--target", "mpic", "--uniform", "int9x");
        assertEquals(CliErrors.EXIT_BAD_INPUT, badSpec.exit());
        assertTrue(badSpec.err().contains("--uniform weights") && badSpec.err().contains("int9x"), badSpec.err());
        Run unsupported = run("--model", MODEL, "--target", "mpic", "--uniform", "int16");
        assertEquals(CliErrors.EXIT_BAD_INPUT, unsupported.exit());
        assertTrue(unsupported.err().contains("layer conv_2d_0") && unsupported.err().contains("16"),
                unsupported.err());
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "target { kind = systolic, rows = 0 }\n");
        Run badConf = run("--model", MODEL, "--target", conf.toString());
        assertTrue(badConf.err().contains("bad.conf") && badConf.err().contains("target.rows = 0"), badConf.err());
        assertFalse(badConf.err().contains("\tat "), "no stack trace");
    }

    private static long totalCycles(String table) {
        for (String line : table.split("\n")) {
            if (line.startsWith("total ")) {
                return Long.parseLong(line.trim().split("\\s+")[4]);
            }
        }
        throw new AssertionError("no total line in " + table);
    }
}
