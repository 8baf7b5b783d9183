package io.bitsweep.search.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import java.util.List;

/**
 * One search of a sweep: a benchmark's search config, with on top (later wins) the sweep's {@code set} (what every
 * cell shares, such as a budget), the space's keys, the target, the benchmark's {@code set} and the seed: the more
 * specific wins. Its run directory is an ordinary one.
 */
public record SweepCell(SweepConfig.Benchmark benchmark, String target, SweepConfig.Space space, long seed,
                        Config sweepSet) {
    /** "ic/mpic/channel-wise/seed-1": the cell's name and its run directory under the sweep's. */
    public String id() {
        return benchmark.name() + "/" + target + "/" + space.name() + "/seed-" + seed;
    }

    /** The cell's search settings; a bad key or value is an error naming the cell and the sweep or search file. */
    public SearchSettings settings() {
        Config file = ConfigFactory.empty();
        if (benchmark.config() != null) {
            try {
                file = ConfigFactory.parseFile(benchmark.config().toFile(),
                        ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new BitSweepException(benchmark.config() + ": " + InputText.oneLine(e.getMessage()), e);
            }
        }
        Config merged = benchmark.set().atPath(SearchSettings.ROOT)
                .withFallback(ConfigFactory.empty().withValue("hw.target", ConfigValueFactory.fromAnyRef(target))
                        .atPath(SearchSettings.ROOT))
                .withFallback(space.settings().atPath(SearchSettings.ROOT))
                .withFallback(sweepSet.atPath(SearchSettings.ROOT))
                .withFallback(file);
        try {
            return SearchConfigLoader.load(merged, List.of(), seed);
        } catch (BitSweepException e) {
            String source = benchmark.config() == null ? "" : " (" + benchmark.config().getFileName() + ")";
            throw new BitSweepException("sweep cell " + id() + source + ": " + e.getMessage(), e);
        }
    }
}
