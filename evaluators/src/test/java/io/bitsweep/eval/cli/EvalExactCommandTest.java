package io.bitsweep.eval.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.io.Npy;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitsweep eval --engine exact} on the real int8 IC model: same result and same raw bytes as DJL. */
class EvalExactCommandTest {
    @TempDir
    Path tmp;

    @Test
    void exactEngineSavesTheRawInt8OutputsAndAgreesWithDjl() {
        String model = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
        String data = Assets.resolve("data/ic01").toString();
        Path ours = tmp.resolve("exact.npy");
        Path theirs = tmp.resolve("djl.npy");
        CliRun exact = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "exact",
                "--save-outputs", ours.toString());
        CliRun djl = CliRun.run(new EvalCommand(), "--model", model, "--data", data, "--engine", "djl",
                "--save-outputs", theirs.toString());
        assertEquals(0, exact.exit(), exact.err());
        assertEquals(djl.out(), exact.out());
        Npy.Array a = Npy.read(ours);
        assertEquals(Npy.DType.INT8, a.dtype());
        assertArrayEquals(new int[] {200, 10}, a.shape());
        assertEquals(bytes(Npy.read(theirs).data()), bytes(a.data()));
    }

    private static ByteBuffer bytes(ByteBuffer b) {
        return b.duplicate().rewind();
    }
}
