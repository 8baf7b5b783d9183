package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

/**
 * A real progress bar (me.tongfei progressbar, redrawn by its own thread) and real log4j2 log lines from another
 * thread, on one terminal stream: read as a terminal shows it (carriage returns overwrite the line), no log line
 * is inside the bar's line, every log line is whole, and the console appenders are back afterwards.
 */
class TerminalLinesTest {
    private static final Logger LOG = LogManager.getLogger("io.bitsweep.search.spark.SparkPopulationEvaluator");

    @Test
    void logLinesPrintAboveTheBar() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalLines lines = new TerminalLines(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        var appendersBefore = TerminalLogRouting.rootAppenders().keySet();
        Configurator.setLevel("io.bitsweep", Level.INFO);
        try (TerminalLogRouting routing = TerminalLogRouting.aboveBar(lines, false)) {
            assertEquals(List.of("bitsweep-above-progress-bar"),
                    List.copyOf(TerminalLogRouting.rootAppenders().keySet()));
            try (ProgressBar bar = new ProgressBarBuilder().setConsumer(lines.barConsumer()).setTaskName("gen 0/3")
                    .setInitialMax(400).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(5)
                    .continuousUpdate().build()) {
                Thread logger = new Thread(() -> {
                    for (int i = 0; i < 40; i++) {
                        LOG.info("gen 0: 8 candidates x 2 shards in 3.1 s; log line {}", i);
                        if (i == 20) { // a warning with an exception, as Spark logs an RPC timeout: one line
                            LOG.warn("heartbeat failed", new TimeoutException("Futures timed out after [10 seconds]"));
                        }
                        sleep(3);
                    }
                });
                logger.start();
                for (int i = 0; i < 400; i++) {
                    bar.step();
                    sleep(1);
                }
                logger.join();
            }
        }
        assertEquals(appendersBefore, TerminalLogRouting.rootAppenders().keySet(), "console appenders restored");

        List<String> screen = screen(bytes.toString(StandardCharsets.UTF_8));
        List<String> logLines = screen.stream().filter(l -> l.contains("log line")).toList();
        assertEquals(40, logLines.size(), String.join("\n", screen));
        for (int i = 0; i < logLines.size(); i++) {
            String l = logLines.get(i);
            assertTrue(l.matches("\\d\\d:\\d\\d:\\d\\d INFO  SparkPopulationEvaluator: gen 0: 8 candidates x 2 shards "
                    + "in 3\\.1 s; log line " + i), "a whole log line, nothing of the bar: '" + l + "'");
        }
        List<String> warnings = screen.stream().filter(l -> l.contains("heartbeat failed")).toList();
        assertEquals(1, warnings.size(), String.join("\n", screen));
        assertTrue(warnings.get(0).matches("\\d\\d:\\d\\d:\\d\\d WARN  SparkPopulationEvaluator: heartbeat failed "
                + "\\(TimeoutException: Futures timed out after \\[10 seconds\\]\\)"), warnings.get(0));
        assertFalse(screen.stream().anyMatch(l -> l.strip().startsWith("at ")), "no stack trace without --verbose");
        List<String> bars = screen.stream().filter(l -> l.contains("gen 0/3")).toList();
        assertEquals(1, bars.size(), "one bar line, redrawn in place: " + bars);
        assertTrue(bars.get(0).contains("400/400"), bars.get(0));
        assertEquals(bars.get(0), screen.get(screen.size() - 1), "the bar stays below the log lines");
        assertFalse(screen.stream().anyMatch(l -> l.contains("log line") && l.contains("%")));
    }

    /** Without a bar: bitsweep's INFO lines are left out, a library's warning with an exception is one line. */
    @Test
    void summaryOnlyKeepsWarningsOnOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        var appendersBefore = TerminalLogRouting.rootAppenders().keySet();
        Configurator.setLevel("io.bitsweep", Level.INFO);
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (TerminalLogRouting routing = TerminalLogRouting.summaryOnly()) {
            LOG.info("gen 0: 8 candidates x 2 shards in 3.1 s");
            LogManager.getLogger("org.apache.spark.rpc.netty.NettyRpcEnv").warn("Ignored failure",
                    new TimeoutException("Cannot receive any reply\nin 120 seconds"));
        } finally {
            System.setErr(stderr);
        }
        assertEquals(appendersBefore, TerminalLogRouting.rootAppenders().keySet(), "console appenders restored");
        assertTrue(LOG.isInfoEnabled(), "bitsweep's level restored");
        List<String> out = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, out.size(), String.join("\n", out));
        assertTrue(out.get(0).matches("\\d\\d:\\d\\d:\\d\\d WARN  NettyRpcEnv: Ignored failure \\(TimeoutException: "
                + "Cannot receive any reply in 120 seconds\\)"), out.get(0));
    }

    /** The lines a terminal shows for this output: \r returns to column 0 and overwrites, \n starts a new line. */
    static List<String> screen(String output) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : output.toCharArray()) {
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                out.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        if (!line.toString().isBlank()) {
            out.add(line.toString().stripTrailing());
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
