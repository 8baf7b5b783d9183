package io.bitsweep.search.cli;

import io.bitsweep.search.FailureText;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;

/**
 * The CLI's one policy for failures: one line on stderr and a non-zero exit, and a stack trace only with --verbose.
 * Exit codes (README "Exit codes"): {@link #EXIT_OK} 0, {@link #EXIT_FAILURE} 1 for anything that went wrong while
 * running (bad input files, data or config, I/O, internal errors), {@link #EXIT_USAGE} 2 for a command line that
 * cannot be right (unknown or missing options, bad option values, options that do not go together:
 * {@link UsageErrors}). Bad input ({@link FailureText#isBadInput}) is printed as is; anything else is an internal error
 * and says so.
 */
public final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

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
        boolean badInput = FailureText.isBadInput(ex);
        err.println("error: " + FailureText.describe(ex) + (badInput || verbose.getAsBoolean() ? "" : " (run with --verbose for the stack trace)"));
        err.flush();
        return EXIT_FAILURE;
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
