package io.bitsweep.eval.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.fuzz.ReaderProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: the {@code .npy} reader ({@link Npy#parse}). An array that loads must be usable: its shape's element
 * count, computed exactly, times the dtype size is its data's length, and {@link Npy.Array#toFloats} converts it.
 */
class NpyFuzzTest {
    private static final Path FILE = Path.of("fuzz.npy");

    static Stream<Arguments> seeds() throws IOException {
        Path dir = Files.createTempDirectory("npy-seeds");
        try {
            Stream.Builder<Arguments> seeds = Stream.builder();
            int[][] shapes = {{}, {3}, {2, 3}, {0}, {2, 0, 4}};
            for (Npy.DType dtype : Npy.DType.values()) {
                for (int[] shape : shapes) {
                    int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    ByteBuffer data = ByteBuffer.allocate(count * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < data.capacity(); i++) {
                        data.put(i, (byte) (i * 29 + 7));
                    }
                    Path file = dir.resolve("seed.npy");
                    Npy.write(file, new Npy.Array(dtype, shape, data));
                    byte[] v1 = Files.readAllBytes(file);
                    String name = dtype.descr + Arrays.toString(shape);
                    seeds.add(Arguments.of(Named.of(name, v1)));
                    seeds.add(Arguments.of(Named.of(name + " v2", version2(v1))));
                }
            }
            for (String path : new String[] {"models/ic/calibration_samples_idxs.npy",
                "models/ic/perf_samples_idxs.npy"}) {
                seeds.add(Arguments.of(Named.of(path, Files.readAllBytes(Assets.resolve(path)))));
            }
            return seeds.build();
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            Files.delete(dir);
        }
    }

    /** The same array with a format 2.0 header (a 4-byte header length instead of 2). */
    private static byte[] version2(byte[] v1) {
        int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(v1, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        ByteBuffer v2 = ByteBuffer.allocate(v1.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        v2.put(v1, 0, 6).put((byte) 2).put((byte) 0).putInt(headerLength).put(v1, 10, v1.length - 10);
        return v2.array();
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] bytes) throws Exception {
        ReaderProperty.check(bytes.length, () -> use(Npy.parse(bytes, FILE)), FILE.toString());
    }

    private static void use(Npy.Array array) {
        BigInteger count = BigInteger.ONE;
        for (int d : array.shape()) {
            count = count.multiply(BigInteger.valueOf(d));
        }
        assertEquals(count.multiply(BigInteger.valueOf(array.dtype().size)), BigInteger.valueOf(array.data().remaining()),
                "shape " + Arrays.toString(array.shape()) + " of " + array.dtype() + " does not describe the "
                        + array.data().remaining() + " data bytes");
        assertEquals(count.intValueExact(), array.toFloats().length);
    }
}
