package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads an MLPerf Tiny evaluation directory as the EEMBC energy runner lays it out: one .bin file per sample plus
 * y_labels.csv. The whole set is read into memory (the MLPerf Tiny sets are 0.5 to 28 MB); convert large sets to
 * shards, which are read one shard at a time.
 *
 * <p>The task is detected from y_labels.csv: 10 classes is IC, 12 is KWS, 2 classes with the runner's two window
 * columns is AD, 2 classes without them is VWW. Every file's size is then checked against the task's sample size.
 */
public final class MlperfTinyDir {
    private MlperfTinyDir() {}

    public static TinyDataset read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BitSweepException("data directory " + dir + " does not exist");
        }
        LabelsCsv labels = LabelsCsv.read(dir);
        TinyLayout layout = detect(labels);
        checkFilesMatchLabels(dir, labels);
        byte[][] samples = new byte[labels.files().size()][];
        DataSha sha = new DataSha();
        for (int i = 0; i < samples.length; i++) {
            Path file = dir.resolve(labels.files().get(i));
            try {
                samples[i] = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            TinyDataset.checkSampleBytes(layout, samples[i].length, file.toString());
            sha.add(ByteBuffer.wrap(samples[i]), labels.labels()[i]);
        }
        return new InMemoryDataset(layout, labels.files(), labels.labels(), samples, sha.hex());
    }

    /** The task of a y_labels.csv, from its class count and columns. */
    static TinyLayout detect(LabelsCsv labels) {
        int classes = labels.classes();
        int columns = labels.columns();
        if (classes == 10 && columns == 3) {
            return TinyLayout.IC;
        }
        if (classes == 12 && columns == 3) {
            return TinyLayout.KWS;
        }
        if (classes == 2 && columns == 3) {
            return TinyLayout.VWW;
        }
        if (classes == 2 && columns == 5) {
            return TinyLayout.AD;
        }
        throw new BitSweepException(labels.file() + ": unknown MLPerf Tiny layout: " + classes + " classes in "
                + columns + " columns (known: IC 10 classes, KWS 12, VWW 2, each as 'file,classes,label'; "
                + "AD 2 classes as 'file,2,label,2560,512')");
    }

    /** The .bin files of the directory and the rows of y_labels.csv must be the same set. */
    private static void checkFilesMatchLabels(Path dir, LabelsCsv labels) {
        Set<String> present;
        try (Stream<Path> list = Files.list(dir)) {
            present = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<String> missing = labels.files().stream().filter(f -> !present.contains(f)).toList();
        Set<String> listed = Set.copyOf(labels.files());
        List<String> unlisted = present.stream().filter(f -> !listed.contains(f)).toList();
        if (!missing.isEmpty() || !unlisted.isEmpty()) {
            throw new BitSweepException(labels.file() + " lists " + labels.files().size() + " files but " + dir
                    + " has " + present.size() + " .bin files"
                    + (missing.isEmpty() ? "" : "; missing: " + sample(missing))
                    + (unlisted.isEmpty() ? "" : "; not listed: " + sample(unlisted)));
        }
    }

    private static String sample(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + " and " + (names.size() - 3) + " more";
    }
}
