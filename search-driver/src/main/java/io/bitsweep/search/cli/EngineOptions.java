package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.Kernels;
import picocli.CommandLine.Model.CommandSpec;

/** The exact engine's {@code --kernels} and {@code --batch-size} of eval and bench, checked with one-line errors. */
final class EngineOptions {
    private EngineOptions() {}

    /**
     * The settings, checked before any work: a bad value is a usage error naming its option and the allowed values;
     * {@code native} where the native library does not load is a failure giving the reason.
     */
    static ExecutionSettings of(CommandSpec spec, String kernels, int batchSize) {
        if (batchSize < 1 || batchSize > ExactOptions.MAX_BATCH_SIZE) {
            throw UsageError.of(spec, "--batch-size must be in 1.." + ExactOptions.MAX_BATCH_SIZE + ", got "
                    + batchSize);
        }
        Kernels k;
        try {
            k = Kernels.parse(kernels);
        } catch (BitSweepException e) {
            throw UsageError.of(spec, "--" + e.getMessage());
        }
        ExecutionSettings settings = new ExecutionSettings(k, batchSize);
        settings.runsNative();
        return settings;
    }
}
