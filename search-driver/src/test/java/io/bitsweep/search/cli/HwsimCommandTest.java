package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.CsvReporter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
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
        assertEquals(CsvReporter.HEADER, lines.get(0));
        assertTrue(CsvReporter.HEADER.startsWith("layer,op,macs,compute_cycles,stall_cycles,total_cycles,sram_bytes,"
                + "dram_bytes,energy_pj,requant_elements,requant_cycles,requant_energy_pj"), CsvReporter.HEADER);
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

    /** The --uniform grammar eval takes (w=F,a=F) gives the same costs as the short forms; --json holds them. */
    @Test
    void uniformKeyedFormAndJson() throws Exception {
        Run keyed = run("--model", MODEL, "--target", "mpic", "--uniform", "w=int8,a=int8");
        assertEquals(0, keyed.exit(), keyed.err());
        assertEquals(run("--model", MODEL, "--target", "mpic", "--uniform", "int8").out(), keyed.out());
        assertEquals(run("--model", MODEL, "--target", "mpic").out(), keyed.out());
        Run w4 = run("--model", MODEL, "--target", "mpic", "--uniform", "w=int4,a=int8");
        assertEquals(run("--model", MODEL, "--target", "mpic", "--uniform", "int4,int8").out(), w4.out());

        Run json = run("--model", MODEL, "--target", "mpic", "--uniform", "w=int4,a=int8", "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("bitsweep.hwsim/1", doc.path("schema").asText());
        assertEquals("int4", doc.path("uniform").path("weights").asText());
        assertEquals(totalCycles(w4.out()), doc.path("total").path("total_cycles").asLong());
        long sum = 0;
        long requant = 0;
        for (JsonNode l : doc.path("layers")) {
            assertEquals(l.path("compute_cycles").asLong() + l.path("requant_cycles").asLong()
                    + l.path("stall_cycles").asLong(), l.path("total_cycles").asLong(), l.toString());
            sum += l.path("total_cycles").asLong();
            requant += l.path("requant_cycles").asLong();
        }
        assertEquals(sum, doc.path("total").path("total_cycles").asLong());
        assertTrue(requant > 0);
        assertEquals(requant, doc.path("total").path("requant_cycles").asLong());
        assertEquals("none", doc.path("fusion").asText());
        assertEquals(0, doc.path("residual_fusions").size());

        Run mixed = run("--model", MODEL, "--target", "mpic", "--uniform", "w=int4,int8");
        assertEquals(CliErrors.EXIT_USAGE, mixed.exit());
        assertTrue(mixed.err().startsWith("error: --uniform 'w=int4,int8': 'int8' is not key=spec")
                && mixed.err().strip().lines().count() == 1, mixed.err());
    }

    @Test
    void badInputIsOneLineNamingTheValue(@TempDir Path dir) throws Exception {
        Run badTarget = run("--model", MODEL, "--target", "tpu-v9");
        assertEquals(CliErrors.EXIT_FAILURE, badTarget.exit());
        assertTrue(badTarget.err().startsWith("error: unknown target tpu-v9"), badTarget.err());
        Run badSpec = run("--model", MODEL, "--target", "mpic", "--uniform", "int9x");
        assertEquals(CliErrors.EXIT_USAGE, badSpec.exit());
        assertTrue(badSpec.err().contains("--uniform weights") && badSpec.err().contains("int9x"), badSpec.err());
        Run unsupported = run("--model", MODEL, "--target", "mpic", "--uniform", "int16");
        assertEquals(CliErrors.EXIT_FAILURE, unsupported.exit());
        assertTrue(unsupported.err().contains("layer conv_2d_0") && unsupported.err().contains("16"),
                unsupported.err());
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "target { kind = systolic, rows = 0 }\n");
        Run badConf = run("--model", MODEL, "--target", conf.toString());
        assertTrue(badConf.err().contains("bad.conf") && badConf.err().contains("target.rows = 0"), badConf.err());
        assertFalse(badConf.err().contains("\tat "), "no stack trace");
    }

    @Test
    void powerOfTwoScalesAndFusionCostLessRequantizationOnMpic(@TempDir Path dir) throws Exception {
        Run fixed = run("--model", MODEL, "--target", "mpic", "--uniform", "int8");
        Run pot = run("--model", MODEL, "--target", "mpic", "--uniform", "int8:pot");
        Run both = run("--model", MODEL, "--target", "mpic", "--uniform", "int8:pot", "--fusion", "residual");
        assertEquals(0, both.exit(), both.err());
        // ResNet-8 unfused requantizes 172,042 elements, 114,698 fused (docs/HWSIM.md, worked example).
        assertTrue(fixed.out().contains("requantization 172042 elements, 1491034 cycles"), fixed.out());
        assertTrue(both.out().contains("fused add_0 into conv_2d_2, add_1 into conv_2d_5, add_2 into conv_2d_8"),
                both.out());
        assertTrue(both.out().contains("requantization 114698 elements"), both.out());
        assertTrue(totalCycles(both.out()) < totalCycles(pot.out()), totalLine(both.out()));
        assertTrue(totalCycles(pot.out()) < totalCycles(fixed.out()), totalLine(pot.out()));
        JsonNode bothJson = new ObjectMapper().readTree(run("--model", MODEL, "--target", "mpic", "--uniform",
                "int8:pot", "--fusion", "residual", "--json").out());
        assertEquals("residual", bothJson.path("fusion").asText());
        assertEquals("conv_2d_2", bothJson.path("residual_fusions").path("add_0").asText());
        assertEquals(114698, bothJson.path("total").path("requant_elements").asLong());
        assertEquals(totalCycles(both.out()), bothJson.path("total").path("total_cycles").asLong());
        // --fusion overrides the assignment's key, as eval's does.
        Path fused = dir.resolve("fused.json");
        Files.writeString(fused, "{\"schema\": \"bitsweep.assignment/1\", \"fusion\": \"residual\"}");
        Run fromFile = run("--model", MODEL, "--target", "mpic", "--assignment", fused.toString());
        Run overridden = run("--model", MODEL, "--target", "mpic", "--assignment", fused.toString(), "--fusion", "none");
        assertTrue(fromFile.out().contains("requantization 114698 elements"), fromFile.out());
        assertEquals(totalLine(fixed.out()), totalLine(overridden.out()));
        Run bad = run("--model", MODEL, "--target", "mpic", "--fusion", "add");
        assertEquals(CliErrors.EXIT_USAGE, bad.exit());
        assertOneLine(bad, "--fusion");
        assertTrue(bad.err().contains("'add'") && bad.err().contains("none, residual"), bad.err());
    }

    /** conv_2d_1 with every other channel pruned and the rest int8; everything else int8. */
    private static String halfPrunedConv1() {
        Model m = TfliteImporter.load(Path.of(MODEL));
        Op conv1 = m.quantizableLayers().stream().filter(op -> op.name().equals("conv_2d_1")).findFirst().orElseThrow();
        int channels = m.outputChannels(conv1);
        String formats = IntStream.range(0, channels).mapToObj(c -> c % 2 == 0 ? "\"pruned\"" : "\"int8\"")
                .collect(Collectors.joining(", "));
        return "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_1\": {\"weights\": [" + formats
                + "], \"activations\": \"int4:asym\"}}}";
    }

    @Test
    void anAssignmentWithPrunedChannelsCostsLessThanUniform(@TempDir Path dir) throws Exception {
        Path defaults = dir.resolve("defaults.json");
        Files.writeString(defaults, "{\"schema\": \"bitsweep.assignment/1\"}");
        Path pruned = dir.resolve("pruned.json");
        Files.writeString(pruned, halfPrunedConv1());
        for (String target : List.of("systolic-16x16-os", "mpic")) {
            Run uniform = run("--model", MODEL, "--target", target, "--uniform", "int8");
            Run int8 = run("--model", MODEL, "--target", target, "--assignment", defaults.toString());
            Run mixed = run("--model", MODEL, "--target", target, "--assignment", pruned.toString());
            assertEquals(0, mixed.exit(), mixed.err());
            assertTrue(mixed.out().contains("assignment " + pruned), mixed.out());
            // An assignment of all defaults (int8) is the uniform int8 workload.
            assertEquals(totalLine(uniform.out()), totalLine(int8.out()), target);
            assertTrue(totalCycles(mixed.out()) < totalCycles(uniform.out()), target + ": " + totalLine(mixed.out()));
            assertTrue(macs(mixed.out()) < macs(uniform.out()), target);
            assertTrue(layerMacs(mixed.out(), "conv_2d_1") * 2 == layerMacs(uniform.out(), "conv_2d_1"), target);
        }
    }

    @Test
    void dataGivesDataDependentTargetsActivationStatistics() {
        String data = Assets.resolve("data/ic01").toString();
        Run stripesStatic = run("--model", MODEL, "--target", "stripes-16x16-os");
        assertTrue(stripesStatic.err().contains("data-dependent but no --data was given: static cost"),
                stripesStatic.err());
        Run stripesData = run("--model", MODEL, "--target", "stripes-16x16-os", "--data", data, "--limit", "2");
        assertEquals(0, stripesData.exit(), stripesData.err());
        assertTrue(stripesData.err().contains("activation statistics of 2 samples"), stripesData.err());
        // ReLU outputs are about half zeros and narrower than 8 bits: fewer cycles than the static array.
        assertTrue(totalCycles(stripesData.out()) < totalCycles(stripesStatic.out()),
                totalLine(stripesData.out()) + " vs " + totalLine(stripesStatic.out()));
        Run mpicStatic = run("--model", MODEL, "--target", "mpic");
        Run mpicData = run("--model", MODEL, "--target", "mpic", "--data", data, "--limit", "2");
        assertEquals(0, mpicData.exit(), mpicData.err());
        assertTrue(mpicData.err().contains("not data-dependent"), mpicData.err());
        assertEquals(totalLine(mpicStatic.out()), totalLine(mpicData.out()));
    }

    @Test
    void badAssignmentsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path unknown = dir.resolve("unknown.json");
        Files.writeString(unknown, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_99\": "
                + "{\"weights\": \"int4\"}}}");
        Run r = run("--model", MODEL, "--target", "mpic", "--assignment", unknown.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertOneLine(r, "layers.conv_2d_99: unknown layer");
        Path channels = dir.resolve("channels.json");
        Files.writeString(channels, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_0\": "
                + "{\"weights\": [\"int8\", \"pruned\"]}}}");
        r = run("--model", MODEL, "--target", "mpic", "--assignment", channels.toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertOneLine(r, "layers.conv_2d_0.weights: 2 channel formats for 16 output channels");
        r = run("--model", MODEL, "--target", "mpic", "--assignment", channels.toString(), "--uniform", "int8");
        assertTrue(r.exit() != 0);
        assertOneLine(r, "--assignment=A.json, --uniform=w=SPEC,a=SPEC are mutually exclusive");
        assertFalse(r.err().contains("Error:") || r.err().contains("Usage:"), r.err());
        r = run("--model", MODEL, "--target", "mpic", "--limit", "3");
        assertTrue(r.exit() != 0);
        assertOneLine(r, "--limit needs --data");
    }

    private static void assertOneLine(Run r, String expected) {
        assertTrue(r.err().startsWith("error: ") && r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static String totalLine(String table) {
        return table.lines().filter(l -> l.startsWith("total ")).findFirst().orElseThrow(
                () -> new AssertionError("no total line in " + table));
    }

    private static long macs(String table) {
        return Long.parseLong(totalLine(table).trim().split("\\s+")[1]);
    }

    private static long layerMacs(String table, String layer) {
        String line = table.lines().filter(l -> l.startsWith(layer + " ")).findFirst().orElseThrow();
        return Long.parseLong(line.trim().split("\\s+")[2]);
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
