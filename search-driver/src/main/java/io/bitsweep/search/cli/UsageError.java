package io.bitsweep.search.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command line that cannot be right whatever the files say: an option value out of range, options that do not
 * go together. Thrown from a command's call(), picocli hands it to {@link CliErrors.UsageErrors}: one line, exit
 * code {@link CliErrors#EXIT_USAGE}. Problems with the files or data a command reads are failures (exit 1).
 */
final class UsageError {
    private UsageError() {}

    static CommandLine.ParameterException of(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
