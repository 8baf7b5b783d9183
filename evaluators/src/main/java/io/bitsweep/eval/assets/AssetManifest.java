package io.bitsweep.eval.assets;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The list of MLPerf Tiny asset files and where each comes from: a TSV with the header
 * {@code file bytes sha256 origin_repo origin_path commit git_blob}. The copy shipped with BitSweep is
 * conf/assets/mlperf-tiny.tsv (on the classpath as {@value #RESOURCE}).
 */
public record AssetManifest(String source, List<Entry> entries) {
    public static final String RESOURCE = "/io/bitsweep/eval/assets/mlperf-tiny.tsv";
    private static final String HEADER = "file\tbytes\tsha256\torigin_repo\torigin_path\tcommit\tgit_blob";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /** One file: its path under the assets directory, size, SHA-256 and upstream origin (repo, path, commit). */
    public record Entry(String file, long bytes, String sha256, String repo, String path, String commit) {}

    /** The manifest shipped with BitSweep. */
    public static AssetManifest bundled() {
        try (InputStream in = AssetManifest.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled asset manifest " + RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AssetManifest read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static AssetManifest parse(String text, String source) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new BitSweepException(source + ": not an asset manifest (the first line must be '"
                    + HEADER.replace('\t', ' ') + "', tab-separated)");
        }
        List<Entry> entries = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String where = source + " line " + (n + 1);
            String[] f = line.split("\t", -1);
            if (f.length != 7) {
                throw new BitSweepException(where + ": expected 7 tab-separated fields, got " + f.length);
            }
            if (!SHA256.matcher(f[2]).matches() || !COMMIT.matcher(f[5]).matches()) {
                throw new BitSweepException(where + ": sha256 must be 64 and commit 40 lowercase hex digits");
            }
            if (f[0].startsWith("/") || f[0].contains("..") || f[0].contains("\\")) {
                throw new BitSweepException(where + ": file '" + f[0] + "' must be a relative path inside the assets directory");
            }
            long bytes;
            try {
                bytes = Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                throw new BitSweepException(where + ": bytes '" + f[1] + "' is not a number");
            }
            entries.add(new Entry(f[0], bytes, f[2], f[3], f[4], f[5]));
        }
        return new AssetManifest(source, List.copyOf(entries));
    }

    /** The entries whose file starts with one of the prefixes (all entries if there are none). */
    public List<Entry> select(List<String> prefixes) {
        if (prefixes == null || prefixes.isEmpty()) {
            return entries;
        }
        List<Entry> selected = entries.stream().filter(e -> prefixes.stream().anyMatch(e.file()::startsWith)).toList();
        if (selected.isEmpty()) {
            throw new BitSweepException("--only " + String.join(", ", prefixes) + " matches no file of " + source
                    + " (files start with data/, models/, docs/, LICENSE.md)");
        }
        return selected;
    }
}
