package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.io.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitsweep eval} end to end on the real IC model and data, through the CLI error policy. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    private static String icModel() {
        return Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    }

    private static Path ic01() {
        return Assets.dir().resolve("data/ic01");
    }

    @Test
    void icFloatReproducesTheReferenceAccuracy() {
        CliRun r = CliRun.run(new EvalCommand(), "--model", icModel(), "--data", ic01().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("accuracy: 0.8550 (171/200)\n", r.out()); // data README: 171/200 for the float model
        assertTrue(r.err().contains("data sha256 e49bd42b"), r.err());
    }

    @Test
    void shardsGiveTheSameOutputsAsTheDirectory() {
        Path shards = tmp.resolve("shards");
        ShardConverter.convert(Datasets.open(ic01()), shards, 16, false);
        Path fromDir = tmp.resolve("dir.npy");
        Path fromShards = tmp.resolve("shards.npy");
        CliRun a = CliRun.run(new EvalCommand(), "--model", icModel(), "--data", ic01().toString(), "--limit", "40",
                "--save-outputs", fromDir.toString());
        CliRun b = CliRun.run(new EvalCommand(), "--model", icModel(), "--data", shards.toString(), "--limit", "40",
                "--save-outputs", fromShards.toString());
        assertEquals(0, a.exit(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.out().matches("accuracy: 0\\.\\d{4} \\(\\d+/40\\)\n"), a.out());
        Npy.Array x = Npy.read(fromDir);
        assertArrayEquals(new int[] {40, 10}, x.shape());
        assertArrayEquals(x.toFloats(), Npy.read(fromShards).toFloats());
    }

    @Test
    void modelAndDataOfDifferentTasks() {
        CliRun r = CliRun.run(new EvalCommand(), "--model", icModel(), "--data",
                Assets.dir().resolve("data/kws01").toString());
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("takes input [1, 32, 32, 3] (3072 values per sample) but data")
                && r.err().contains("(KWS) gives [49, 10, 1] (490 values)"), r.err());
    }

    @Test
    void unknownEngineAndBadLimit() {
        CliRun r = CliRun.run(new EvalCommand(), "--model", icModel(), "--data", ic01().toString(), "--engine", "gpu");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("unknown engine 'gpu' (allowed: float, djl, onnxruntime, exact)"), r.err());
        r = CliRun.run(new EvalCommand(), "--model", icModel(), "--data", ic01().toString(), "--limit", "-1");
        assertTrue(r.oneLineError() && r.err().contains("--limit must be at least 0"), r.err());
    }
}
