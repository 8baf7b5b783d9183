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
 * Bad input (our own {@link BitSweepException}, {@link IllegalArgumentException}, I/O problems) is printed as is;
 * anything else is an internal error and says so.
 */
public final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    public static final int EXIT_BAD_INPUT = 1;
    public static final int EXIT_INTERNAL = 3;

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
        return badInput ? EXIT_BAD_INPUT : EXIT_INTERNAL;
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
        String msg = ex.getMessage();
        if (isBadInput(ex) && msg != null) {
            return msg.replace('\n', ' ');
        }
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.replace('\n', ' '));
    }

    /**
     * The same policy for command-line mistakes picocli finds while parsing (a missing required option, mutually
     * exclusive options): one line naming the options and where the help is, picocli's usage exit code (2), no
     * usage dump.
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
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
    }
}
