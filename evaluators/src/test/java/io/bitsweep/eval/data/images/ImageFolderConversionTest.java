package io.bitsweep.eval.data.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.DataSha;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ImageLayout;
import io.bitsweep.eval.data.PixelScaling;
import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.ShardSetDataset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.data.TinyDataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders to shards without Spark: the tasks run one after the other in this JVM, as a runner may run them. */
class ImageFolderConversionTest {
    static final ImagePreprocessing AS_IS_20x16 = new ImagePreprocessing("none", 0, null, new PixelSize(20, 16),
            PixelScaling.uniform(1f, 0f, 1f, 3), false);

    static ImageFolderConversion.Result convert(ImageFolder folder, ImagePreprocessing p, Path out, int shardSize,
            BadImages bad) {
        try (ImageFolderConversion c = new ImageFolderConversion(folder, p, out, shardSize, bad, false)) {
            return c.finish(c.tasks().stream().map(ImageShardTask::run).toList());
        }
    }

    @Test
    void classFoldersBecomeShardsOfTheDecodedPixels(@TempDir Path tmp) {
        List<Path> files = TestPictures.classFolders(tmp.resolve("pics"), 3, 5, 20, 16, 7);
        ImageFolderConversion.Result r = convert(ImageFolder.scan(tmp.resolve("pics"), null, 0), AS_IS_20x16,
                tmp.resolve("shards"), 4, BadImages.ERROR);

        ShardManifest m = r.manifest();
        assertEquals(List.of("class-00", "class-01", "class-02"), m.classNames());
        assertEquals(0, m.skipped());
        assertEquals(4, m.shards().size());
        assertEquals("image-folder", m.source());
        assertEquals(ImageLayout.TASK, m.task());
        TinyDataset d = Datasets.open(tmp.resolve("shards"));
        assertEquals(TaskKind.IMAGES, d.kind());
        assertEquals(15, d.size());
        assertEquals(3, d.classes());
        assertArrayEquals(new int[] {16, 20, 3}, d.inputShape());
        DataSha sha = new DataSha();
        float[] input = new float[d.inputSize()];
        for (int i = 0; i < 15; i++) {
            byte[] pixels = TestPictures.decodedPixels(files.get(i));
            assertEquals("class-0" + i / 5 + "/img-0000" + i % 5 + ".jpg", d.id(i));
            assertEquals(i / 5, d.label(i));
            assertArrayEquals(pixels, bytes(d.raw(i)), "sample " + i);
            d.input(i, 0, input);
            for (int k = 0; k < input.length; k++) {
                assertEquals(pixels[k] & 0xff, input[k], 0f);
            }
            sha.add(ByteBuffer.wrap(pixels), i / 5);
        }
        assertEquals(sha.hex(), d.sha256(), "the set's sha256 is the usual one over pixels and labels");
        TinyDataset alone = Datasets.openShard(tmp.resolve("shards").resolve(m.shards().get(1).file()));
        assertEquals(d.layout(), alone.layout(), "one shard file carries the layout");
        assertArrayEquals(bytes(d.raw(4)), bytes(alone.raw(0)));
    }

    @Test
    void flatFolderFollowsItsLabelsFile(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("val");
        for (int i = 0; i < 6; i++) {
            TestPictures.write(TestPictures.rgb(20, 16, i), "jpg", dir.resolve("ILSVRC2012_val_0000000" + (i + 1)
                    + ".JPEG"));
        }
        Path labels = Files.writeString(tmp.resolve("val.txt"), "# file label\n"
                + "ILSVRC2012_val_00000006.JPEG 4\nILSVRC2012_val_00000002.JPEG,0\n\n"
                + "ILSVRC2012_val_00000001.JPEG\t999\n");
        ImageFolder folder = ImageFolder.scan(dir, labels, 1000);
        assertEquals(3, folder.unlabelled());
        convert(folder, AS_IS_20x16, tmp.resolve("shards"), 2, BadImages.ERROR);
        ShardSetDataset d = ShardSetDataset.open(tmp.resolve("shards"));
        assertEquals(List.of("ILSVRC2012_val_00000006.JPEG", "ILSVRC2012_val_00000002.JPEG",
                "ILSVRC2012_val_00000001.JPEG"), List.of(d.id(0), d.id(1), d.id(2)));
        assertEquals(List.of(4, 0, 999), List.of(d.label(0), d.label(1), d.label(2)));
        assertEquals(1000, d.classes());
        assertEquals(null, d.manifest().classNames());
        assertArrayEquals(TestPictures.decodedPixels(dir.resolve("ILSVRC2012_val_00000006.JPEG")), bytes(d.raw(0)));
        assertEquals(1000, ImageFolder.scan(dir, labels, 0).classes(), "--classes 0: the largest label + 1");
    }

    @Test
    void presetsScaleAsTheirSourcesDo(@TempDir Path tmp) {
        TestPictures.classFolders(tmp.resolve("pics"), 1, 1, 50, 40, 3);
        ImageFolder folder = ImageFolder.scan(tmp.resolve("pics"), null, 0);
        convert(folder, ImagePreprocessing.preset("torchvision-imagenet"), tmp.resolve("tv"), 8, BadImages.ERROR);
        convert(folder, ImagePreprocessing.preset("keras-mobilenet"), tmp.resolve("keras"), 8, BadImages.ERROR);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        for (String name : List.of("tv", "keras")) {
            TinyDataset d = Datasets.open(tmp.resolve(name));
            assertArrayEquals(new int[] {224, 224, 3}, d.inputShape());
            float[] x = new float[d.inputSize()];
            d.input(0, 0, x);
            byte[] raw = bytes(d.raw(0));
            for (int k = 0; k < x.length; k++) {
                int u8 = raw[k] & 0xff;
                float expected = name.equals("tv") ? (u8 / 255f - mean[k % 3]) / std[k % 3] : u8 / 127.5f - 1f;
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(x[k]), name + " value " + k);
            }
        }
        assertTrue(ShardManifest.read(tmp.resolve("tv")).preprocessing().startsWith("torchvision-imagenet: resize "
                + "shorter side to 256"), ShardManifest.read(tmp.resolve("tv")).preprocessing());
    }

    @Test
    void greyPicturesAreCopiedToRgbOnRequest(@TempDir Path tmp) {
        var grey = TestPictures.grey(20, 16, 5);
        Path png = TestPictures.write(grey, "png", tmp.resolve("pics/a/grey.png"));
        ImagePreprocessing p = new ImagePreprocessing("none", 0, null, new PixelSize(20, 16),
                PixelScaling.uniform(1f, 0f, 1f, 3), true);
        convert(ImageFolder.scan(tmp.resolve("pics"), null, 0), p, tmp.resolve("shards"), 8, BadImages.ERROR);
        byte[] raw = bytes(Datasets.open(tmp.resolve("shards")).raw(0));
        for (int y = 0, k = 0; y < 16; y++) {
            for (int x = 0; x < 20; x++, k += 3) {
                int v = grey.getRaster().getSample(x, y, 0);
                assertEquals(List.of(v, v, v), List.of(raw[k] & 0xff, raw[k + 1] & 0xff, raw[k + 2] & 0xff), png
                        + " at " + x + "," + y + ": the stored grey value in every channel, no gamma");
            }
        }
    }

    /** A folder with one good picture per class and one bad picture of each kind. */
    static Path badFolder(Path tmp) throws IOException {
        Path dir = tmp.resolve("pics");
        TestPictures.classFolders(dir, 2, 2, 20, 16, 11);
        byte[] jpeg = Files.readAllBytes(dir.resolve("class-00/img-00000.jpg"));
        Files.write(dir.resolve("class-00/truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        byte[] noise = new byte[700];
        new SplittableRandom(1).nextBytes(noise);
        Files.write(dir.resolve("class-01/noise.jpg"), noise);
        TestPictures.write(TestPictures.grey(20, 16, 2), "png", dir.resolve("class-01/grey.png"));
        TestPictures.write(TestPictures.rgb(12, 16, 3), "png", dir.resolve("class-01/small.png"));
        return dir;
    }

    @Test
    void badPicturesAreSkippedAndCounted(@TempDir Path tmp) throws IOException {
        Path dir = badFolder(tmp);
        ImageFolderConversion.Result r = convert(ImageFolder.scan(dir, null, 0), AS_IS_20x16, tmp.resolve("shards"),
                3, BadImages.SKIP);
        assertEquals(4, r.manifest().samples());
        assertEquals(4, r.manifest().skipped());
        String all = String.join("\n", r.skipped());
        assertEquals(4, r.skipped().size(), all);
        for (String s : r.skipped()) {
            assertFalse(s.contains("\n"), s);
        }
        assertTrue(all.contains("truncated.jpg: corrupt picture"), all);
        assertTrue(all.contains("noise.jpg: corrupt or not a picture"), all);
        assertTrue(all.contains("grey.png: grey picture (20x16; allowed: RGB, or use --grey-to-rgb)"), all);
        assertTrue(all.contains("small.png: odd-sized picture 12x16 is smaller than the crop 20x16"), all);
        assertEquals(4, Datasets.open(tmp.resolve("shards")).size());
    }

    @Test
    void aBadPictureIsAnErrorThatLeavesNothingBehind(@TempDir Path tmp) throws IOException {
        Path dir = badFolder(tmp);
        Files.delete(dir.resolve("class-00/truncated.jpg"));
        Files.delete(dir.resolve("class-01/noise.jpg"));
        Files.delete(dir.resolve("class-01/small.png"));
        Path out = tmp.resolve("out");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> convert(ImageFolder.scan(dir, null, 0), AS_IS_20x16, out, 2, BadImages.ERROR));
        assertEquals(dir.resolve("class-01/grey.png").toAbsolutePath()
                + ": grey picture (20x16; allowed: RGB, or use --grey-to-rgb)", e.getMessage());
        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of("pics"), left.map(p -> p.getFileName().toString()).toList(), "no temp directory left");
        }
    }

    @Test
    void labelsFileProblemsAreOneLine(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("val");
        TestPictures.write(TestPictures.rgb(20, 16, 1), "jpg", dir.resolve("a.jpg"));
        BitSweepException noLabels = assertThrows(BitSweepException.class, () -> ImageFolder.scan(dir, null, 0));
        assertTrue(noLabels.getMessage().endsWith("has no class folders (<class name>/xxx.jpg); its pictures need a"
                + " labels file: give --labels FILE (ImageNet's validation layout)"), noLabels.getMessage());
        BitSweepException missingFile = assertThrows(BitSweepException.class,
                () -> ImageFolder.scan(dir, tmp.resolve("nope.txt"), 0));
        assertEquals("--labels " + tmp.resolve("nope.txt") + " does not exist (the labels file of the flat layout:"
                + " one '<file name> <label>' per line)", missingFile.getMessage());

        Path labels = Files.writeString(tmp.resolve("labels.txt"), "a.jpg 1\nb.jpg 0\n");
        ImageFolder folder = ImageFolder.scan(dir, labels, 0);
        BitSweepException missingImage = assertThrows(BitSweepException.class,
                () -> convert(folder, AS_IS_20x16, tmp.resolve("out"), 2, BadImages.ERROR));
        assertEquals(labels + " line 2: a label for a missing image, " + dir.resolve("b.jpg") + " does not exist",
                missingImage.getMessage());
        assertFalse(Files.exists(tmp.resolve("out")));
        ImageFolderConversion.Result r = convert(folder, AS_IS_20x16, tmp.resolve("out"), 2, BadImages.SKIP);
        assertEquals(1, r.manifest().samples());
        assertEquals(1, r.manifest().skipped());

        for (String bad : List.of("a.jpg\n", "a.jpg one\n", "../a.jpg 1\n", "a.jpg 1\na.jpg 1\n")) {
            Files.writeString(labels, bad);
            BitSweepException e = assertThrows(BitSweepException.class, () -> ImageFolder.scan(dir, labels, 0));
            assertTrue(e.getMessage().startsWith(labels + " line "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        Files.writeString(labels, "a.jpg 5\n");
        assertEquals(labels + " line 1: label 5 is out of range (allowed: 0..4, --classes 5)",
                assertThrows(BitSweepException.class, () -> ImageFolder.scan(dir, labels, 5)).getMessage());
    }

    @Test
    void imageLayoutSpecRoundTripsAndBadSpecsAreOneLine() {
        ImageLayout l = ImagePreprocessing.preset("torchvision-imagenet").layout(1000);
        assertEquals("224x224x3;classes=1000;divisor=255;mean=0.485,0.456,0.406;std=0.229,0.224,0.225", l.spec());
        assertEquals(l, ImageLayout.parse(l.spec(), "f"));
        for (String bad : List.of("", "224x224x3", "224x224x2;classes=3;divisor=1;mean=0,0;std=1,1",
                "2x2x3;classes=3;divisor=0;mean=0,0,0;std=1,1,1", "2x2x3;classes=3;divisor=1;mean=0,0;std=1,1,1",
                "2x2x3;classes=3;divisor=1;mean=0,0,0;std=1,0,1", "2x2x3;classes=3;divisor=x;mean=0,0,0;std=1,1,1")) {
            BitSweepException e = assertThrows(BitSweepException.class, () -> ImageLayout.parse(bad, "f"), bad);
            assertTrue(e.getMessage().startsWith("f: image layout "), e.getMessage());
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
