package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.images.TestPictures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep data convert --from image-folder} through the CLI on Spark local[2]: generated JPEGs in both layouts
 * convert to shards on which {@code eval} gives the same outputs, byte for byte, as on the same pixels given as an
 * MLPerf Tiny .bin directory (the IC ResNet-8 takes u8 values as they are: --preset none --crop 32); bad input is one
 * line and leaves nothing behind.
 */
class ImageFolderCliTest {
    static final int CLASSES = 10;
    static final int PER_CLASS = 3;

    @TempDir
    Path tmp;

    private static CliRun convert(String... args) {
        List<String> all = new ArrayList<>(List.of("convert", "--from", "image-folder", "--master", "local[2]"));
        all.addAll(List.of(args));
        return CliRun.run(new DataCommand(), all.toArray(String[]::new));
    }

    private static CliRun eval(String model, Path data, Path outputs) {
        return CliRun.run(new EvalCommand(), "--model", Assets.resolve(model).toString(), "--data", data.toString(),
                "--save-outputs", outputs.toString());
    }

    /** The pictures' decoded pixels as IC .bin files with y_labels.csv, in the same order. */
    private Path binDirectory(List<Path> pictures) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("bin"));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            String name = String.format("pic-%03d.bin", i);
            Files.write(dir.resolve(name), TestPictures.decodedPixels(pictures.get(i)));
            rows.add(name + ", " + CLASSES + ", " + i / PER_CLASS);
        }
        Files.write(dir.resolve("y_labels.csv"), rows);
        return dir;
    }

    /** The same pictures in the flat layout: copied into one folder, listed in a labels file in sample order. */
    private Path[] flatLayout(List<Path> pictures) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("flat"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            String name = String.format("val_%05d.JPEG", pictures.size() - i); // names in reverse of sample order
            Files.copy(pictures.get(i), dir.resolve(name));
            lines.add(name + " " + i / PER_CLASS);
        }
        return new Path[] {dir, Files.write(tmp.resolve("val.txt"), lines)};
    }

    @Test
    void evalOnConvertedPicturesEqualsEvalOnTheSamePixelsGivenAsBinFiles() throws IOException {
        List<Path> pictures = TestPictures.classFolders(tmp.resolve("pics"), CLASSES, PER_CLASS, 32, 32, 16);
        Path folders = tmp.resolve("from-folders");
        CliRun c = convert("--in", tmp.resolve("pics").toString(), "--out", folders.toString(), "--shard-size", "7",
                "--crop", "32");
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().startsWith("wrote 30 IMAGES samples in 5 shards to " + folders), c.out());
        Path[] flat = flatLayout(pictures);
        Path fromFlat = tmp.resolve("from-flat");
        CliRun f = convert("--in", flat[0].toString(), "--labels", flat[1].toString(), "--classes", "10",
                "--out", fromFlat.toString(), "--shard-size", "16", "--crop", "32x32", "--divisor", "1");
        assertEquals(0, f.exit(), f.err());
        Path bin = binDirectory(pictures);
        assertEquals(Datasets.open(bin).sha256(), Datasets.open(folders).sha256(), "same pixels and labels");
        assertEquals(Datasets.open(bin).sha256(), Datasets.open(fromFlat).sha256());

        for (String model : List.of("models/ic/pretrainedResnet.tflite", "models/ic/pretrainedResnet_quant.tflite")) {
            List<byte[]> outputs = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (Path data : List.of(bin, folders, fromFlat)) {
                Path npy = tmp.resolve("out-" + outputs.size() + ".npy");
                CliRun e = eval(model, data, npy);
                assertEquals(0, e.exit(), e.err());
                lines.add(e.out());
                outputs.add(Files.readAllBytes(npy));
                Files.delete(npy);
            }
            assertTrue(lines.get(0).startsWith("accuracy: "), lines.get(0));
            assertEquals(List.of(lines.get(0), lines.get(0)), lines.subList(1, 3), model);
            assertArrayEquals(outputs.get(0), outputs.get(1), model + ": class folders");
            assertArrayEquals(outputs.get(0), outputs.get(2), model + ": flat layout");
        }
    }

    @Test
    void badPicturesAreAnErrorOrSkippedAndCounted() throws IOException {
        TestPictures.classFolders(tmp.resolve("pics"), 2, 2, 16, 16, 3);
        Files.write(tmp.resolve("pics/class-01/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2});
        Path out = tmp.resolve("out");
        String[] args = {"--in", tmp.resolve("pics").toString(), "--out", out.toString(), "--shard-size", "2",
            "--crop", "16"};
        CliRun error = convert(args);
        assertEquals(CliErrors.EXIT_FAILURE, error.exit(), error.err());
        assertTrue(error.oneLineError(), error.err());
        assertTrue(error.err().startsWith("error: " + tmp.resolve("pics/class-01/broken.jpg") + ": corrupt"),
                error.err());
        assertFalse(Files.exists(out));
        assertNoTempDirectory();

        List<String> skip = new ArrayList<>(List.of(args));
        skip.addAll(List.of("--bad-images", "skip"));
        CliRun skipped = convert(skip.toArray(String[]::new));
        assertEquals(0, skipped.exit(), skipped.err());
        assertTrue(skipped.out().contains("wrote 4 IMAGES samples in 3 shards"), skipped.out());
        assertTrue(skipped.out().contains("skipped 1 bad pictures (listed on stderr)"), skipped.out());
        assertTrue(skipped.err().startsWith("skipped: " + tmp.resolve("pics/class-01/broken.jpg") + ": corrupt"),
                skipped.err());
        assertEquals(4, Datasets.open(out).size());
    }

    @Test
    void badCommandLinesAreUsageErrors() throws IOException {
        TestPictures.classFolders(tmp.resolve("pics"), 1, 1, 16, 16, 3);
        String in = tmp.resolve("pics").toString();
        String out = tmp.resolve("out").toString();
        String[][] cases = {
            {"--preset", "resnet", "--in", in, "--out", out, "--shard-size", "2"},
            {"--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "0", "--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "16x", "--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "16", "--mean", "1,2", "--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "16", "--std", "1,0,1", "--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "16", "--bad-images", "maybe", "--in", in, "--out", out, "--shard-size", "2"},
            {"--crop", "16", "--classes", "3", "--in", in, "--out", out, "--shard-size", "2"},
            {"--resize", "100", "--crop", "224", "--in", in, "--out", out, "--shard-size", "2"},
        };
        String[] expected = {"--preset 'resnet' is not a preset (allowed: torchvision-imagenet, keras-mobilenet, none)",
            "the stored picture size is not fixed", "--crop size 0x0 is out of range", "--crop '16x' is not a size",
            "--mean '1,2' has 2 values (allowed: 3, R,G,B)", "has a value that is not a positive number",
            "--bad-images", "--classes applies to the flat layout", "--crop 224x224 does not fit"};
        for (int i = 0; i < cases.length; i++) {
            CliRun r = convert(cases[i]);
            assertEquals(CliErrors.EXIT_USAGE, r.exit(), String.join(" ", cases[i]) + ": " + r.err());
            assertTrue(r.oneLineError(), r.err());
            assertTrue(r.err().contains(expected[i]), "'" + expected[i] + "' not in " + r.err());
        }
        CliRun idx = CliRun.run(new DataCommand(), "convert", "--from", "idx", "--in", in, "--out", out,
                "--shard-size", "2", "--preset", "keras-mobilenet", "--master", "local[1]");
        assertEquals(CliErrors.EXIT_USAGE, idx.exit(), idx.err());
        assertTrue(idx.err().contains("--preset, --master apply to --from image-folder"), idx.err());
        CliRun missing = convert("--in", in, "--labels", tmp.resolve("val.txt").toString(), "--out", out,
                "--shard-size", "2", "--crop", "16");
        assertEquals(CliErrors.EXIT_FAILURE, missing.exit(), missing.err());
        assertTrue(missing.err().startsWith("error: --labels " + tmp.resolve("val.txt") + " does not exist"),
                missing.err());
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    private void assertNoTempDirectory() throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            List<String> hidden = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden);
        }
    }
}
