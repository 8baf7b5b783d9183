package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.store.SplitsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitsweep eval --splits}: exactly a run's samples; bad splits files and conflicting options are one line. */
class EvalSplitsTest {
    static final String MODEL = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    static final String DATA = Assets.resolve("data/ic01").toString();

    static Path splits(Path dir, int dataSize, int[] evaluation) throws Exception {
        int[] labels = new int[dataSize];
        return Files.writeString(dir.resolve("splits.json"), SplitsFile.write(new SampleSplits("stratified", 1,
                dataSize, new int[] {0, 1, 2, 3}, evaluation), labels));
    }

    @Test
    void scoresTheEvaluationIdsCalibratedOnTheCalibrationIds(@TempDir Path dir) throws Exception {
        Path s = splits(dir, 200, new int[] {9, 7, 5, 8, 6});
        CliRun byIds = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--splits", s.toString(),
                "--uniform", "w=int8,a=int8");
        assertEquals(0, byIds.exit(), byIds.err());
        CliRun byRange = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--offset", "5", "--limit", "5",
                "--calibration-samples", "4", "--uniform", "w=int8,a=int8");
        assertEquals(byRange.out(), byIds.out(), "ids 5..9 calibrated on 0..3 are samples 5..9 calibrated on 0..3");
        assertTrue(byIds.out().matches("accuracy: [0-9.]+ \\(\\d/5\\)\\s*"), byIds.out());
    }

    @Test
    void badSplitsAreOneLine(@TempDir Path dir) throws Exception {
        Path s = splits(dir, 200, IntStream.range(10, 20).toArray());
        CliRun r = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--splits", s.toString(),
                "--offset", "3");
        assertTrue(r.oneLineError() && r.err().contains("do not combine it with --offset"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--splits", dir.resolve("x.json")
                .toString());
        assertTrue(r.oneLineError() && r.err().contains("no such file"), r.err());
        Path other = splits(Files.createDirectories(dir.resolve("o")), 1000, new int[] {1, 2});
        r = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--splits", other.toString());
        assertTrue(r.oneLineError() && r.err().contains("indexes a data set of 1000 samples, but --data " + DATA
                + " has 200"), r.err());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"schema\": \"bitsweep.splits/1\"}");
        r = CliRun.run(new EvalCommand(), "--model", MODEL, "--data", DATA, "--splits", broken.toString());
        assertTrue(r.oneLineError() && r.err().contains("data_samples"), r.err());
    }
}
