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
 * --no-progress) bitsweep's own INFO lines are left out, so only the summary lines and warnings are printed. Both
 * are undone by {@link #close()}.
 */
final class TerminalLogRouting implements AutoCloseable {
    /** The layout of log4j2.properties' console appender. */
    static final String PATTERN = "%d{HH:mm:ss} %-5p %c{1}: %m%n";
    private static final String BITSWEEP = "io.bitsweep";

    private final LoggerContext context;
    private final LoggerConfig root;
    private final List<Appender> consoles;
    private final Appender above;
    private final Level bitsweepLevel;

    private TerminalLogRouting(LoggerContext context, LoggerConfig root, List<Appender> consoles, Appender above,
                               Level bitsweepLevel) {
        this.context = context;
        this.root = root;
        this.consoles = consoles;
        this.above = above;
        this.bitsweepLevel = bitsweepLevel;
    }

    /** Log lines print above the bar drawn on {@code lines}. */
    static TerminalLogRouting aboveBar(TerminalLines lines) {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        List<Appender> consoles = root.getAppenders().values().stream()
                .filter(a -> a instanceof ConsoleAppender).toList();
        Appender above = new LinesAppender(lines, PatternLayout.newBuilder().withPattern(PATTERN)
                .withConfiguration(config).build());
        above.start();
        consoles.forEach(a -> root.removeAppender(a.getName()));
        root.addAppender(above, null, null);
        context.updateLoggers();
        return new TerminalLogRouting(context, root, consoles, above, null);
    }

    /** Only warnings and errors of bitsweep's own loggers reach the console (its summary lines are not logged). */
    static TerminalLogRouting summaryOnly() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Level before = LogManager.getLogger(BITSWEEP).getLevel();
        Configurator.setLevel(BITSWEEP, Level.WARN);
        return new TerminalLogRouting(context, null, List.of(), null, before);
    }

    @Override
    public void close() {
        if (above != null) {
            root.removeAppender(above.getName());
            consoles.forEach(a -> root.addAppender(a, null, null));
            context.updateLoggers();
            above.stop();
        }
        if (bitsweepLevel != null) {
            Configurator.setLevel(BITSWEEP, bitsweepLevel);
        }
    }

    /** Formats each event with the console's layout and prints it as a whole line through {@link TerminalLines}. */
    private static final class LinesAppender extends AbstractAppender {
        private final TerminalLines lines;

        LinesAppender(TerminalLines lines, PatternLayout layout) {
            super("bitsweep-above-progress-bar", null, layout, true, Property.EMPTY_ARRAY);
            this.lines = lines;
        }

        @Override
        public void append(LogEvent event) {
            lines.println(((PatternLayout) getLayout()).toSerializable(event));
        }
    }

    /** For tests: the appenders the root logger writes to now, by name. */
    static Map<String, Appender> rootAppenders() {
        return ((LoggerContext) LogManager.getContext(false)).getConfiguration().getRootLogger().getAppenders();
    }
}
