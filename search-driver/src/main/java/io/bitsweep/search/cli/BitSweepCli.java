package io.bitsweep.search.cli;

import io.bitsweep.search.provenance.BuildInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code bitsweep} command: the entry point of bin/bitsweep and of the shaded jar. */
@Command(name = "bitsweep",
        mixinStandardHelpOptions = true,
        versionProvider = BitSweepCli.Version.class,
        description = "Search per-channel mixed-precision and block-floating-point quantizations of DNNs "
                + "for the Pareto front of accuracy, model size and cycles/energy on a target chip.",
        subcommands = {CommandLine.HelpCommand.class, EvalCommand.class, InspectCommand.class, DataCommand.class,
                QuantizeCommand.class, HwsimCommand.class, FetchAssetsCommand.class, BenchCommand.class,
                SearchCommand.class, ProfileCommand.class, CompareCommand.class, ExportCommand.class,
                SweepCommand.class})
public final class BitSweepCli {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces on errors and Spark's own INFO logs.")
    boolean verbose;

    public static CommandLine commandLine() {
        BitSweepCli root = new BitSweepCli();
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler(new CliErrors(() -> root.verbose));
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        return cl;
    }

    /** {@code bitsweep --version}: the build's version, code version (git commit) and Spark version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bitsweep " + BuildInfo.version() + " (code " + BuildInfo.codeVersion() + ", Spark "
                    + BuildInfo.sparkVersion() + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
