package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.quant.Assignment;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Option values every command parses the same way; a value that does not parse is a usage error (exit 2) with the
 * parser's one-line message, which names the option and the allowed values.
 */
final class OptionValues {
    private OptionValues() {}

    /** {@code --uniform} in eval, hwsim and export: {@link Assignment#parseUniform}'s one grammar. */
    static Assignment uniform(CommandSpec spec, String text) {
        try {
            return Assignment.parseUniform(text);
        } catch (BitSweepException e) {
            throw usage(spec, e);
        }
    }

    /** An enumerated option value, e.g. --fusion none|residual. */
    static <E extends Enum<E>> E choice(CommandSpec spec, Class<E> type, String text, String option) {
        try {
            return Choices.parse(type, text, option);
        } catch (BitSweepException e) {
            throw usage(spec, e);
        }
    }

    private static CommandLine.ParameterException usage(CommandSpec spec, BitSweepException e) {
        CommandLine.ParameterException p = UsageError.of(spec, e.getMessage());
        p.initCause(e);
        return p;
    }
}
