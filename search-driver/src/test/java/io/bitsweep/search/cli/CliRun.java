package io.bitsweep.search.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs one command the way the bitsweep root does (same error policy) and captures exit code, stdout and stderr. */
record CliRun(int exit, String out, String err) {
    static CliRun run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler(new CliErrors(() -> false));
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** The error output is exactly one line starting with "error: ". */
    boolean oneLineError() {
        return err.startsWith("error: ") && err.strip().lines().count() == 1;
    }
}
