package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class InspectCommandTest {
    @TempDir
    Path dir;

    @Test
    void inspectPrintsOneErrorLineAndExitsNonZero() throws Exception {
        Path file = dir.resolve("text.tflite");
        Files.writeString(file, "this is not a model at all");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new InspectCommand());
        cl.setExecutionExceptionHandler(new CliErrors(() -> false));
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--model", file.toString());
        assertEquals(CliErrors.EXIT_FAILURE, code);
        assertEquals("error: model " + file + " is not a TFLite model (file identifier is not \"TFL3\")",
                err.toString().strip());
    }

    @Test
    void jsonHasEveryOpAndTheTotals() throws Exception {
        String model = Assets.resolve("models/kws/kws_ref_model.tflite").toString();
        CliRun table = CliRun.run(new InspectCommand(), "--model", model);
        CliRun json = CliRun.run(new InspectCommand(), "--model", model, "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("bitsweep.inspect/1", doc.path("schema").asText());
        Model m = TfliteImporter.load(Path.of(model));
        assertEquals(m.sha256(), doc.path("sha256").asText());
        assertEquals(m.ops().size(), doc.path("layers").size());
        assertEquals(m.totalMacs(), doc.path("total").path("macs").asLong());
        assertEquals("conv_2d_0", doc.path("layers").get(0).path("name").asText());
        assertEquals("[64,10,4,1]", doc.path("layers").get(0).path("weights").path("shape").toString());
        assertEquals("per-channel(64)", doc.path("layers").get(0).path("weights").path("quantization").asText());
        String total = table.out().lines().filter(l -> l.startsWith("total: ")).findFirst().orElseThrow();
        assertEquals(String.format("total: %d ops, %d quantizable layers, %,d params, %,d MACs",
                doc.path("total").path("ops").asInt(), doc.path("total").path("quantizable_layers").asInt(),
                doc.path("total").path("params").asLong(), doc.path("total").path("macs").asLong()), total);
    }
}
