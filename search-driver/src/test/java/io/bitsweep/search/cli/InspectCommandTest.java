package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("--model", file.toString());
        assertEquals(CliErrors.EXIT_BAD_INPUT, code);
        assertEquals("error: model " + file + " is not a TFLite model (file identifier is not \"TFL3\")",
                err.toString().strip());
    }
}
