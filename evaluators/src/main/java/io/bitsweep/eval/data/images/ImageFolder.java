package io.bitsweep.eval.data.images;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The pictures of a folder in one of two layouts, in the order they become samples:
 * <ul>
 * <li>class folders ({@code DIR/<class name>/xxx.jpg}, torchvision's ImageFolder): label i is the i-th class folder
 * in sorted name order; within a class, files in sorted name order;</li>
 * <li>flat (ImageNet's validation layout, {@code DIR/xxx.JPEG} with a labels file): each non-blank line of the labels
 * file is {@code <file name> <label>} (a space, tab or comma between; {@code #} starts a comment), in that order.</li>
 * </ul>
 * Picture files are those ending in .jpg, .jpeg, .png, .bmp or .gif (any case); other files are ignored.
 *
 * @param entries    the pictures to convert
 * @param classNames the class folders' names (flat layout: null)
 * @param classes    the number of classes labels are drawn from
 * @param missing    files the labels file lists that do not exist ("label for a missing image"), as error lines
 * @param unlabelled picture files of a flat folder that the labels file does not list (not converted)
 */
public record ImageFolder(List<ImageEntry> entries, List<String> classNames, int classes, List<String> missing,
                          int unlabelled) {
    private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    /**
     * Lists {@code dir}: the flat layout if {@code labels} is given, else class folders.
     *
     * @param classes the class count for the flat layout (0: the largest label + 1)
     */
    public static ImageFolder scan(Path dir, Path labels, int classes) {
        if (!Files.isDirectory(dir)) {
            throw new BitSweepException("--in " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        return labels == null ? classFolders(dir) : flat(dir, labels, classes);
    }

    private static ImageFolder classFolders(Path dir) {
        List<Path> folders = list(dir).stream().filter(Files::isDirectory).toList();
        if (folders.isEmpty()) {
            boolean pictures = list(dir).stream().anyMatch(ImageFolder::isPicture);
            throw new BitSweepException(dir + " has no class folders (<class name>/xxx.jpg)"
                    + (pictures ? "; its pictures need a labels file: give --labels FILE (ImageNet's validation layout)"
                    : " and no pictures"));
        }
        List<ImageEntry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int label = 0; label < folders.size(); label++) {
            Path folder = folders.get(label);
            String name = folder.getFileName().toString();
            names.add(name);
            for (Path f : list(folder)) {
                if (isPicture(f)) {
                    entries.add(new ImageEntry(name + "/" + f.getFileName(), f.toAbsolutePath().toString(), label));
                }
            }
        }
        return new ImageFolder(entries, names, names.size(), List.of(), 0);
    }

    private static ImageFolder flat(Path dir, Path labels, int classes) {
        if (!Files.isRegularFile(labels)) {
            throw new BitSweepException("--labels " + labels + (Files.exists(labels) ? " is not a file"
                    : " does not exist") + " (the labels file of the flat layout: one '<file name> <label>' per line)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(labels, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BitSweepException(labels + ": not readable as UTF-8 text (" + InputText.oneLine(
                    String.valueOf(e.getMessage())) + ")", e);
        }
        List<ImageEntry> entries = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        int maxLabel = -1;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            String where = labels + " line " + (n + 1);
            String[] parts = text.split("[\\s,]+");
            if (parts.length != 2 || !parts[1].matches("\\d{1,9}")) {
                throw new BitSweepException(where + ": " + InputText.quote(text) + " is not '<file name> <label>'"
                        + " (allowed: a file name, then a label 0..classes-1, separated by a space, tab or comma)");
            }
            String name = parts[0];
            int label = Integer.parseInt(parts[1]);
            if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                throw new BitSweepException(where + ": " + InputText.quote(name) + " is not a file name in " + dir);
            }
            if (!listed.add(name)) {
                throw new BitSweepException(where + ": " + InputText.quote(name) + " is listed twice");
            }
            if (classes > 0 && label >= classes) {
                throw new BitSweepException(where + ": label " + label + " is out of range (allowed: 0.." + (classes - 1)
                        + ", --classes " + classes + ")");
            }
            maxLabel = Math.max(maxLabel, label);
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                missing.add(where + ": a label for a missing image, " + file + " does not exist");
                continue;
            }
            entries.add(new ImageEntry(name, file.toAbsolutePath().toString(), label));
        }
        if (listed.isEmpty()) {
            throw new BitSweepException(labels + " lists no images (expected one '<file name> <label>' per line)");
        }
        int unlabelled = (int) list(dir).stream()
                .filter(p -> isPicture(p) && !listed.contains(p.getFileName().toString())).count();
        return new ImageFolder(entries, null, classes > 0 ? classes : maxLabel + 1, List.copyOf(missing), unlabelled);
    }

    private static boolean isPicture(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT)) && Files.isRegularFile(p);
    }

    /** The entries of a directory, sorted by name (as Python's sorted, which torchvision uses). */
    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
