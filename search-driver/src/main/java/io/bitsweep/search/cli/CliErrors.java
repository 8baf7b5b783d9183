package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * The CLI's one policy for failures: one line on stderr and a non-zero exit, and a stack trace only with --verbose.
 * Exit codes (README "Exit codes"): {@link #EXIT_OK} 0, {@link #EXIT_FAILURE} 1 for anything that went wrong while
 * running (bad input files, data or config, I/O, internal errors), {@link #EXIT_USAGE} 2 for a command line that
 * cannot be right (unknown or missing options, bad option values, options that do not go together:
 * {@link UsageErrors}). Bad input (our own {@link BitSweepException}, {@link IllegalArgumentException}, I/O
 * problems) is printed as is; anything else is an internal error and says so.
 */
public final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** Throwable.addSuppressed's message when a throwable would suppress itself. */
    private static final String SELF_SUPPRESSION = "Self-suppression not permitted";

    private final BooleanSupplier verbose;

    public CliErrors(BooleanSupplier verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (verbose.getAsBoolean()) {
            ex.printStackTrace(err);
        }
        boolean badInput = isBadInput(ex);
        err.println("error: " + describe(ex) + (badInput || verbose.getAsBoolean() ? "" : " (run with --verbose for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
    }

    static boolean isBadInput(Throwable ex) {
        return ex instanceof BitSweepException || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof UncheckedIOException;
    }

    static String describe(Throwable ex) {
        if (ex instanceof NoSuchFileException nsf) {
            return "no such file: " + nsf.getFile();
        }
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            // new UncheckedIOException(cause) only repeats the cause; a message of its own names the file
            // ("cannot write .../archive.parquet: No space left on device"), which the cause alone may not.
            // A missing file is said the one way, "no such file: <path>", whoever wrapped it.
            String own = u.getMessage();
            boolean ownSaysMore = own != null && !own.equals(u.getCause().toString())
                    && !(u.getCause() instanceof NoSuchFileException);
            return ownSaysMore ? own.replace('\n', ' ') : describe(u.getCause());
        }
        if (ex instanceof IllegalArgumentException && SELF_SUPPRESSION.equals(ex.getMessage()) && ex.getCause() != null) {
            // The JDK's try-with-resources failing over a resource whose close() threw the very exception the body
            // threw (seen once in CI, reading from an HDFS datanode that was stopped): its cause is the failure.
            return describe(ex.getCause());
        }
        String msg = ex.getMessage();
        if (isBadInput(ex) && msg != null) {
            return msg.replace('\n', ' ');
        }
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.replace('\n', ' '));
    }

    /**
     * The same policy for command-line mistakes, found by picocli while parsing (a missing required option, mutually
     * exclusive options) or by a command ({@link UsageError}): one line naming the options and where the help is,
     * exit code {@link #EXIT_USAGE}, no usage dump.
     */
    public static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String msg = ex.getMessage().replace('\n', ' ').replaceFirst("^Error: ", "");
            err.println("error: " + msg + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_USAGE;
        }
    }
}
