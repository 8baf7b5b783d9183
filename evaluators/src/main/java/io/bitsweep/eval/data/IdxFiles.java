package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST as its IDX files ship (Debian's {@code dataset-fashion-mnist}: /usr/share/datasets/fashion-mnist/):
 * {@code <split>-images-idx3-ubyte[.gz]} (magic 00 00 08 03, count, 28, 28, then u8 pixels row-major) beside
 * {@code <split>-labels-idx1-ubyte[.gz]} (magic 00 00 08 01, count, then u8 labels 0..9); dimensions are big-endian
 * uint32. A split is read fully into memory (the 60k training images are 47 MB); each image is one raw sample of
 * {@link TinyLayout#FMNIST}, which pads and scales it as the models were trained. Sample ids are
 * {@code <split>-NNNNN} in file order; the sha256 is {@link DataSha}'s, over the 784 raw bytes and the label.
 */
public final class IdxFiles {
    private static final Pattern IMAGES = Pattern.compile("(.+)-images-idx3-ubyte(\\.gz)?");
    private static final int IMAGE_MAGIC = 0x00000803;
    private static final int LABEL_MAGIC = 0x00000801;
    private static final int SIDE = 28;

    private IdxFiles() {}

    /** Whether {@code path} is an IDX images file by its name. */
    public static boolean isImagesFile(Path path) {
        return path.getFileName() != null && IMAGES.matcher(path.getFileName().toString()).matches();
    }

    /**
     * The images file of a directory's one IDX split, or of the split named {@code split} (e.g. {@code t10k},
     * {@code train}; null: the directory must hold exactly one).
     */
    public static Path imagesIn(Path dir, String split) {
        TreeMap<String, Path> splits = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(IdxFiles::isImagesFile).forEach(p -> splits.put(splitOf(p), p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (split != null) {
            Path p = splits.get(split);
            if (p == null) {
                throw new BitSweepException(dir + " has no IDX split '" + split + "' (allowed: "
                        + String.join(", ", splits.keySet()) + ")");
            }
            return p;
        }
        if (splits.size() != 1) {
            throw new BitSweepException(dir + " holds " + (splits.isEmpty() ? "no IDX images file"
                    : splits.size() + " IDX splits (" + String.join(", ", splits.keySet()) + "): give one images "
                    + "file, e.g. " + splits.firstEntry().getValue()));
        }
        return splits.firstEntry().getValue();
    }

    /** Reads {@code images} and the labels file beside it. */
    public static TinyDataset read(Path images) {
        Matcher m = IMAGES.matcher(images.getFileName().toString());
        if (!m.matches()) {
            throw new BitSweepException(images + " is not an IDX images file (allowed names: "
                    + "<split>-images-idx3-ubyte or <split>-images-idx3-ubyte.gz)");
        }
        Path labels = images.resolveSibling(m.group(1) + "-labels-idx1-ubyte" + (m.group(2) == null ? "" : ".gz"));
        if (!Files.isRegularFile(labels)) {
            throw new BitSweepException("IDX images " + images + " have no labels file beside them (expected "
                    + labels + ")");
        }
        byte[][] pixels = readImages(images);
        byte[] y = readLabels(labels);
        if (y.length != pixels.length) {
            throw new BitSweepException(labels + " has " + y.length + " labels but " + images + " has "
                    + pixels.length + " images");
        }
        List<String> ids = new ArrayList<>(pixels.length);
        int[] label = new int[y.length];
        DataSha sha = new DataSha();
        for (int i = 0; i < pixels.length; i++) {
            label[i] = y[i] & 0xff;
            if (label[i] >= TinyLayout.FMNIST.classes()) {
                throw new BitSweepException(labels + ": label " + label[i] + " of item " + i + " is out of range "
                        + "(allowed: 0..9)");
            }
            ids.add(String.format("%s-%05d", m.group(1), i));
            sha.add(ByteBuffer.wrap(pixels[i]), label[i]);
        }
        return new InMemoryDataset(TinyLayout.FMNIST, ids, label, pixels, sha.hex());
    }

    private static String splitOf(Path images) {
        Matcher m = IMAGES.matcher(images.getFileName().toString());
        return m.matches() ? m.group(1) : images.getFileName().toString();
    }

    private static byte[][] readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGE_MAGIC) {
                throw notIdx(file, magic, "00000803 (u8, 3 dimensions)");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (count < 0 || rows != SIDE || cols != SIDE) {
                throw new BitSweepException(file + ": IDX images of " + count + " x " + rows + " x " + cols
                        + " (allowed: N x 28 x 28, Fashion-MNIST)");
            }
            byte[][] images = new byte[count][SIDE * SIDE];
            for (int i = 0; i < count; i++) {
                readFully(in, images[i], file, "image " + i + " of " + count);
            }
            return images;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static byte[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABEL_MAGIC) {
                throw notIdx(file, magic, "00000801 (u8, 1 dimension)");
            }
            int count = in.readInt();
            if (count < 0) {
                throw new BitSweepException(file + ": negative label count " + count);
            }
            byte[] labels = new byte[count];
            readFully(in, labels, file, "the " + count + " labels");
            return labels;
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(file.getFileName().toString().endsWith(".gz")
                ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static void readFully(DataInputStream in, byte[] dst, Path file, String what) throws IOException {
        try {
            in.readFully(dst);
        } catch (EOFException e) {
            throw new BitSweepException(file + ": ends inside " + what + ": truncated?", e);
        }
    }

    private static BitSweepException notIdx(Path file, int magic, String expected) {
        return new BitSweepException(file + ": not an IDX file of the expected kind (magic "
                + String.format("%08x", magic) + ", expected " + expected + ")");
    }

    private static BitSweepException unreadable(Path file, IOException e) {
        String msg = e instanceof EOFException ? "ends inside its header: truncated?"
                : "not readable (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")";
        return new BitSweepException(file + ": " + msg, e);
    }
}
