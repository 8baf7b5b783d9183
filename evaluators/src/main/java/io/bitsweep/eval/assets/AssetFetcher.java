package io.bitsweep.eval.assets;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Downloads asset files from their pinned upstream commits: {@code <base>/<origin_repo>/<commit>/<origin_path>}
 * (GitHub's raw layout, {@value #GITHUB_RAW} by default). Each file is streamed into a temp file beside its target,
 * hashed on the way, and moved into place only if its size and SHA-256 match the manifest, so a bad or interrupted
 * download never replaces anything. Files already present with the right SHA-256 are not downloaded again.
 */
public final class AssetFetcher {
    public static final String GITHUB_RAW = "https://raw.githubusercontent.com";

    /** What happened to one file. */
    public enum Outcome { PRESENT, FETCHED, FAILED }

    public record Result(AssetManifest.Entry entry, Outcome outcome, String error) {}

    private final HttpClient http;
    private final String baseUrl;
    private final Path out;

    public AssetFetcher(String baseUrl, Path out) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.out = out;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    public URI url(AssetManifest.Entry e) {
        return URI.create(baseUrl + "/" + e.repo() + "/" + e.commit() + "/" + e.path());
    }

    /** Fetches every entry with {@code parallel} concurrent downloads; never throws for one file's failure. */
    public List<Result> fetchAll(List<AssetManifest.Entry> entries, int parallel) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (AssetManifest.Entry e : entries) {
                futures.add(pool.submit(() -> fetch(e)));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BitSweepException("fetch-assets interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    public Result fetch(AssetManifest.Entry e) {
        Path target = out.resolve(e.file());
        try {
            if (Files.isRegularFile(target) && Files.size(target) == e.bytes() && e.sha256().equals(sha256(target))) {
                return new Result(e, Outcome.PRESENT, null);
            }
            download(e, target);
            return new Result(e, Outcome.FETCHED, null);
        } catch (BitSweepException | IOException | UncheckedIOException ex) {
            return new Result(e, Outcome.FAILED, e.file() + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return new Result(e, Outcome.FAILED, e.file() + ": interrupted");
        }
    }

    private void download(AssetManifest.Entry e, Path target) throws IOException, InterruptedException {
        URI url = url(e);
        HttpResponse<InputStream> response = http.send(
                HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new BitSweepException("HTTP " + response.statusCode() + " from " + url);
            }
            MessageDigest md = sha256Digest();
            AtomicFiles.write(target, sink -> {
                long n;
                try (DigestInputStream in = new DigestInputStream(body, md)) {
                    n = in.transferTo(sink);
                }
                String actual = HexFormat.of().formatHex(md.digest());
                if (n != e.bytes() || !actual.equals(e.sha256())) {
                    // thrown inside the write: the temp file is deleted and the target is left as it was
                    throw new BitSweepException("downloaded " + n + " bytes with sha256 " + actual + " from " + url
                            + ", expected " + e.bytes() + " bytes with sha256 " + e.sha256() + "; not written");
                }
            });
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
