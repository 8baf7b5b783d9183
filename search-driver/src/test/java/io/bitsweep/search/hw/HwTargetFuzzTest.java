package io.bitsweep.search.hw;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.fuzz.FuzzFiles;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.HwSimException;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.hwsim.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: hardware target configs (hw-sim's {@link Targets#fromFile}, what {@code hw.target} and
 * {@code bitsweep hwsim --target FILE} read). Its one-line error is hw-sim's {@link HwSimException} (hw-sim depends on
 * no project module, so not BitSweepException); the target lives here, beside the bridge to hw-sim, because the
 * property every reader's target checks is evaluators' and hw-sim's tests depend on nothing of ours. A target that
 * loads must be usable: it costs a small workload (conv, depthwise, pool, add, fc; int8, int4 and pruned weights,
 * and a BFP layer), or refuses a layer it cannot run with the same one-line error.
 */
class HwTargetFuzzTest {
    private static final Path FILE = FuzzFiles.inputFile("fuzz-target", ".conf");
    private static final Workload WORKLOAD = new Workload("fuzz", List.of(
            Layer.conv("conv", 8, 8, 3, 3, 3, 8, 8, 8),
            Layer.depthwise("dw", 8, 8, 8, 3, 3, 8, 8).withUniformWeightBits(4).withActivationBits(8, 4),
            Layer.pool("pool", 8, 8, 8, 2, 2, 4, 4),
            Layer.conv("conv_mixed", 4, 4, 8, 1, 1, 4, 4, 4).withWeightBits(new int[] {8, 4, 2, 0}),
            Layer.add("add", 4, 4, 4),
            Layer.fc("fc", 64, 10).withBfp(16, 16, 8)));

    /** The shipped targets (conf/hw). */
    static Stream<Arguments> seeds() throws IOException {
        Path repo = Path.of(System.getProperty("bitsweep.repo", "..")).toAbsolutePath().normalize();
        return FuzzFiles.seeds(repo.resolve("conf/hw"), ".conf");
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void load(byte[] bytes) throws Exception {
        Files.write(FILE, bytes);
        Target[] loaded = new Target[1];
        ReaderProperty.check(HwSimException.class, bytes.length, () -> loaded[0] = Targets.fromFile(FILE),
                FILE.toString());
        if (loaded[0] != null) {
            // A layer the target cannot run is named by its layer (the file loaded fine).
            ReaderProperty.check(HwSimException.class, bytes.length, () -> {
                loaded[0].simulate(WORKLOAD, ActivationStats.NONE, false);
                loaded[0].simulate(WORKLOAD, ActivationStats.NONE, true);
            });
        }
    }
}
