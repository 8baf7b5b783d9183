package io.bitsweep.search.cli;

import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Where log lines go while {@code bitsweep search} runs. With a progress bar, the console appenders of the root
 * logger are swapped for one that prints through {@link TerminalLines}, above the bar; without one (no terminal, or
 * --no-progress) bitsweep's own INFO lines are left out, so only the summary lines and warnings are printed. Unless
 * --verbose, an exception a library logs with its warning (Spark does, e.g. an RPC timeout under load) is one line,
 * its class and message, not a stack trace of a hundred lines. Both are undone by {@link #close()}.
 */
final class TerminalLogRouting implements AutoCloseable {
    /** The layout of log4j2.properties' console appender. */
    static final String PATTERN = "%d{HH:mm:ss} %-5p %c{1}: %m%n";
    private static final String BITSWEEP = "io.bitsweep";

    private final LoggerContext context;
    private final LoggerConfig root;
    private final List<Appender> consoles;
    private final Appender replacement;
    private final Level bitsweepLevel;

    private TerminalLogRouting(LoggerContext context, LoggerConfig root, List<Appender> consoles,
                               Appender replacement, Level bitsweepLevel) {
        this.context = context;
        this.root = root;
        this.consoles = consoles;
        this.replacement = replacement;
        this.bitsweepLevel = bitsweepLevel;
    }

    /**
     * The routing of a long-running command (search, profile, sweep): above the progress bar when there is one
     * ({@code bar} not null), else only summary lines and warnings, else (verbose without a bar) none: null.
     */
    static TerminalLogRouting forProgress(TerminalLines bar, boolean verbose) {
        return bar != null ? aboveBar(bar, verbose) : verbose ? null : summaryOnly();
    }

    /** Log lines print above the bar drawn on {@code lines}; stack traces only if {@code verbose}. */
    static TerminalLogRouting aboveBar(TerminalLines lines, boolean verbose) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        return replaceConsoles(context, new LinesAppender("bitsweep-above-progress-bar", lines,
                context.getConfiguration(), verbose), null);
    }

    /**
     * Only warnings and errors of bitsweep's own loggers reach the console (its summary lines are not logged), and
     * every log line is one line on stderr.
     */
    static TerminalLogRouting summaryOnly() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Level before = LogManager.getLogger(BITSWEEP).getLevel();
        Configurator.setLevel(BITSWEEP, Level.WARN);
        return replaceConsoles(context, new LinesAppender("bitsweep-summary-stderr", new TerminalLines(System.err),
                context.getConfiguration(), false), before);
    }

    /** The root logger's console appenders give way to {@code replacement} until {@link #close()}. */
    private static TerminalLogRouting replaceConsoles(LoggerContext context, Appender replacement,
                                                      Level bitsweepLevel) {
        LoggerConfig root = context.getConfiguration().getRootLogger();
        List<Appender> consoles = root.getAppenders().values().stream()
                .filter(a -> a instanceof ConsoleAppender).toList();
        replacement.start();
        consoles.forEach(a -> root.removeAppender(a.getName()));
        root.addAppender(replacement, null, null);
        context.updateLoggers();
        return new TerminalLogRouting(context, root, consoles, replacement, bitsweepLevel);
    }

    @Override
    public void close() {
        root.removeAppender(replacement.getName());
        consoles.forEach(a -> root.addAppender(a, null, null));
        context.updateLoggers();
        replacement.stop();
        if (bitsweepLevel != null) {
            Configurator.setLevel(BITSWEEP, bitsweepLevel);
        }
    }

    /**
     * Formats each event with the console's layout and prints it as a whole line through {@link TerminalLines}. A
     * logged exception is its stack trace if {@code stackTraces}, else its class and message on the same line.
     */
    private static final class LinesAppender extends AbstractAppender {
        private final TerminalLines lines;
        private final boolean stackTraces;

        LinesAppender(String name, TerminalLines lines, Configuration config, boolean stackTraces) {
            super(name, null, PatternLayout.newBuilder().withPattern(PATTERN).withAlwaysWriteExceptions(stackTraces)
                    .withConfiguration(config).build(), true, Property.EMPTY_ARRAY);
            this.lines = lines;
            this.stackTraces = stackTraces;
        }

        @Override
        public void append(LogEvent event) {
            String line = ((PatternLayout) getLayout()).toSerializable(event);
            Throwable thrown = event.getThrown();
            if (thrown != null && !stackTraces) {
                line = line.replaceFirst("\\R$", "") + " (" + thrown.getClass().getSimpleName() + ": "
                        + String.valueOf(thrown.getMessage()).replaceAll("\\R", " ") + ")";
            }
            lines.println(line);
        }
    }

    /** For tests: the appenders the root logger writes to now, by name. */
    static Map<String, Appender> rootAppenders() {
        return ((LoggerContext) LogManager.getContext(false)).getConfiguration().getRootLogger().getAppenders();
    }
}
