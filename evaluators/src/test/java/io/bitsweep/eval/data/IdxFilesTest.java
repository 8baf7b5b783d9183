package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Fashion-MNIST IDX files, read as a data set, against their own bytes and the models' TF predictions. */
class IdxFilesTest {
    static TinyDataset test;
    static byte[] rawImages;
    static byte[] rawLabels;

    @TempDir
    Path tmp;

    @BeforeAll
    static void read() throws IOException {
        test = Datasets.open(FashionMnist.TEST_IMAGES);
        rawImages = gunzip(FashionMnist.TEST_IMAGES);
        rawLabels = gunzip(FashionMnist.DATA.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    static byte[] gunzip(Path p) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            return in.readAllBytes();
        }
    }

    static void gzip(Path p, byte[] bytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(b)) {
            out.write(bytes);
        }
        Files.write(p, b.toByteArray());
    }

    @Test
    void testSplitIsTenThousandPaddedScaledImagesWithTheirLabels() {
        assertEquals(TaskKind.FMNIST, test.kind());
        assertEquals(TinyLayout.FMNIST, test.layout());
        assertEquals(10_000, test.size());
        assertArrayEquals(new int[] {32, 32, 1}, test.inputShape());
        assertEquals(10, test.classes());
        assertEquals("t10k-00042", test.id(42));
        float[] x = new float[32 * 32];
        for (int i : new int[] {0, 1, 4321, 9999}) {
            assertEquals(rawLabels[8 + i], test.label(i));
            test.input(i, 0, x);
            for (int r = 0; r < 32; r++) {
                for (int c = 0; c < 32; c++) {
                    boolean border = r < 2 || r >= 30 || c < 2 || c >= 30;
                    float expected = border ? 0f : (rawImages[16 + i * 784 + (r - 2) * 28 + c - 2] & 0xff) / 255f;
                    assertEquals(expected, x[r * 32 + c], "image " + i + " (" + r + ", " + c + ")");
                }
            }
        }
        // DataSha over the raw 784 bytes and the label of every image, recomputed independently
        DataSha sha = new DataSha();
        for (int i = 0; i < 10_000; i++) {
            sha.add(ByteBuffer.wrap(rawImages, 16 + i * 784, 784), rawLabels[8 + i]);
        }
        assertEquals(sha.hex(), test.sha256());
    }

    @Test
    void theFloatResNet8GivesTensorFlowsPredictions() throws IOException {
        FloatEngine engine = FloatEngine.compile(TfliteImporter.load(
                FashionMnist.models().resolve("fmnist_resnet8_float.tflite")));
        byte[] tf = Files.readAllBytes(FashionMnist.models().resolve("predictions/fmnist_resnet8_float_test_top1.u8"));
        float[] in = new float[test.inputSize()];
        float[] out = new float[10];
        int agree = 0;
        int n = 1000;
        for (int i = 0; i < n; i++) {
            test.input(i, 0, in);
            engine.predict(in, out);
            int top = 0;
            for (int k = 1; k < 10; k++) {
                top = out[k] > out[top] ? k : top;
            }
            agree += top == tf[i] ? 1 : 0;
        }
        // float kernels sum in another order than TF's; a near tie may flip, wrong preprocessing flips hundreds
        assertTrue(agree >= n - 2, agree + "/" + n + " top-1 agree with TF 2.21 on the first test images");
    }

    @Test
    void shardsOfTheTestSplitGiveTheSameSamplesAndRecordThePreprocessing() {
        Path out = tmp.resolve("fmnist-test");
        ShardManifest m = ShardConverter.convert(test, out, 4096, false);
        assertEquals("idx", m.source());
        assertEquals("FMNIST", m.task());
        assertEquals(TinyLayout.FMNIST.preprocessing(), m.preprocessing());
        assertTrue(m.preprocessing().contains("padded with 2 zero pixels") && m.preprocessing().contains("/ 255"));
        assertEquals(3, m.shards().size());
        TinyDataset shards = Datasets.open(out);
        assertEquals(test.sha256(), shards.sha256());
        assertEquals(test.sha256(), DataSha.of(shards));
        float[] a = new float[test.inputSize()];
        float[] b = new float[test.inputSize()];
        for (int i = 0; i < 10_000; i += 997) {
            test.input(i, 0, a);
            shards.input(i, 0, b);
            assertArrayEquals(a, b);
            assertEquals(test.label(i), shards.label(i));
            assertEquals(test.id(i), shards.id(i));
        }
    }

    @Test
    void aDirectoryIsOpenedWhenItHoldsOneSplitAndNamedOtherwise() throws IOException {
        BitSweepException e = assertThrows(BitSweepException.class, () -> Datasets.open(FashionMnist.DATA));
        assertTrue(e.getMessage().contains("holds 2 IDX splits (t10k, train): give one images file, e.g. "
                + FashionMnist.TEST_IMAGES), e.getMessage());
        assertEquals(FashionMnist.TEST_IMAGES, IdxFiles.imagesIn(FashionMnist.DATA, "t10k"));
        e = assertThrows(BitSweepException.class, () -> IdxFiles.imagesIn(FashionMnist.DATA, "val"));
        assertTrue(e.getMessage().endsWith("has no IDX split 'val' (allowed: t10k, train)"), e.getMessage());
        Path one = Files.createDirectory(tmp.resolve("one"));
        smallSplit(one, 5, rawLabels);
        assertEquals(5, Datasets.open(one).size());
    }

    /** The first n test images and labels as an uncompressed split "small" in dir. */
    private static void smallSplit(Path dir, int n, byte[] labels) throws IOException {
        byte[] images = Arrays.copyOf(rawImages, 16 + n * 784);
        images[7] = (byte) n; // count, big-endian (n < 128)
        images[4] = images[5] = images[6] = 0;
        byte[] l = Arrays.copyOf(labels, 8 + n);
        l[7] = (byte) n;
        l[4] = l[5] = l[6] = 0;
        Files.write(dir.resolve("small-images-idx3-ubyte"), images);
        Files.write(dir.resolve("small-labels-idx1-ubyte"), l);
    }

    @Test
    void badIdxFilesAreOneLineErrorsNamingTheFile() throws IOException {
        Path images = tmp.resolve("small-images-idx3-ubyte");
        smallSplit(tmp, 5, rawLabels);
        assertEquals(5, Datasets.open(images).size());

        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, bytes.length - 100));
        assertError(images, images + ": ends inside image 4 of 5: truncated?");

        byte[] wrongMagic = bytes.clone();
        wrongMagic[3] = 1;
        Files.write(images, wrongMagic);
        assertError(images, images + ": not an IDX file of the expected kind (magic 00000801, expected 00000803");

        Files.write(images, bytes);
        byte[] badLabel = Files.readAllBytes(tmp.resolve("small-labels-idx1-ubyte"));
        badLabel[8 + 3] = 12;
        Files.write(tmp.resolve("small-labels-idx1-ubyte"), badLabel);
        assertError(images, "small-labels-idx1-ubyte: label 12 of item 3 is out of range (allowed: 0..9)");

        Files.delete(tmp.resolve("small-labels-idx1-ubyte"));
        assertError(images, "have no labels file beside them (expected " + tmp.resolve("small-labels-idx1-ubyte"));

        Path gz = tmp.resolve("cut-images-idx3-ubyte.gz");
        gzip(gz, Arrays.copyOf(bytes, 10));
        gzip(tmp.resolve("cut-labels-idx1-ubyte.gz"), Arrays.copyOf(rawLabels, 13));
        assertError(gz, gz + ": ends inside its header: truncated?");
    }

    private static void assertError(Path file, String message) {
        BitSweepException e = assertThrows(BitSweepException.class, () -> Datasets.open(file));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
