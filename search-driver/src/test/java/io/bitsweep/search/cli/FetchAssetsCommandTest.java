package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bitsweep.eval.assets.AssetManifest;
import io.bitsweep.eval.assets.Assets;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * fetch-assets against a real HTTP server on 127.0.0.1 (the JDK's com.sun.net.httpserver) that serves copies of a
 * few real asset files in GitHub's raw layout, /<repo>/<commit>/<path>, with one file served corrupted.
 */
class FetchAssetsCommandTest {
    /** Real files from the bundled manifest: two models, a license, labels; ic01's labels are served corrupted. */
    private static final List<String> FILES = List.of("LICENSE.md", "models/kws/kws_ref_model.tflite",
            "models/ad/ad01_int8.tflite", "data/kws01/y_labels.csv", "data/ic01/y_labels.csv");
    private static final String CORRUPTED = "data/ic01/y_labels.csv";

    @TempDir
    Path tmp;
    private HttpServer server;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private Path manifest;

    @BeforeEach
    void serveCopies() throws IOException {
        AssetManifest bundled = AssetManifest.bundled();
        Path root = Files.createDirectory(tmp.resolve("upstream"));
        StringBuilder tsv = new StringBuilder("file\tbytes\tsha256\torigin_repo\torigin_path\tcommit\tgit_blob\n");
        for (AssetManifest.Entry e : bundled.entries()) {
            if (!FILES.contains(e.file())) {
                continue;
            }
            Path served = root.resolve(e.repo()).resolve(e.commit()).resolve(e.path());
            Files.createDirectories(served.getParent());
            byte[] bytes = Files.readAllBytes(Assets.resolve(e.file()));
            if (e.file().equals(CORRUPTED)) {
                bytes[10] ^= 1;
            }
            Files.write(served, bytes);
            tsv.append(String.join("\t", e.file(), Long.toString(e.bytes()), e.sha256(), e.repo(), e.path(),
                    e.commit(), "-")).append('\n');
        }
        manifest = Files.writeString(tmp.resolve("subset.tsv"), tsv);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Path file = root.resolve(path.substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Run(int exit, String out, String err) {}

    private Run fetch(Path out, String... extra) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = new CommandLine(new FetchAssetsCommand());
        cl.setExecutionExceptionHandler(new CliErrors(() -> false));
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--base-url", baseUrl(),
                "--manifest", manifest.toString()));
        args.addAll(List.of(extra));
        return new Run(cl.execute(args.toArray(String[]::new)), o.toString(), e.toString());
    }

    @Test
    void downloadsVerifiesAndRejectsTheCorruptedFile() throws IOException {
        Path out = tmp.resolve("assets");
        Run r = fetch(out);
        assertEquals(CliErrors.EXIT_FAILURE, r.exit(), r.err());
        assertTrue(r.out().contains("4 fetched, 0 already present and verified, 1 failed"), r.out());
        assertTrue(r.err().contains("failed: data/ic01/y_labels.csv: downloaded 5751 bytes with sha256 "), r.err());
        assertTrue(r.err().contains("expected 5751 bytes with sha256 f7d22979"), r.err());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("error: 1 of 5 asset files failed")), r.err());
        assertFalse(Files.exists(out.resolve(CORRUPTED)), "a corrupted download is never written");
        for (String f : FILES) {
            if (!f.equals(CORRUPTED)) {
                assertArrayEquals(Files.readAllBytes(Assets.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
            }
        }
        try (var leftovers = Files.walk(out)) {
            assertEquals(List.of(), leftovers.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void skipsVerifiedFilesAndRepairsBadOnes() throws IOException {
        Path out = tmp.resolve("assets");
        assertEquals(0, fetch(out, "--only", "models/,LICENSE.md").exit());
        String modelUrl = "/mlcommons/tiny/1afd2c9820f795965a6134facd0b4dfae41ef23f/"
                + "benchmark/training/keyword_spotting/trained_models/kws_ref_model.tflite";
        assertEquals(1, requests.get(modelUrl).get());

        Path model = out.resolve("models/kws/kws_ref_model.tflite");
        byte[] good = Files.readAllBytes(model);
        Files.write(model, new byte[] {1, 2, 3}); // a damaged local copy
        Run r = fetch(out, "--only", "models/,LICENSE.md");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("1 fetched, 2 already present and verified, 0 failed"), r.out());
        assertEquals(2, requests.get(modelUrl).get(), "only the damaged file is downloaded again");
        assertArrayEquals(good, Files.readAllBytes(model));
    }

    @Test
    void missingUpstreamFileIsNamed() throws IOException {
        Files.writeString(manifest, Files.readString(manifest).replace("datasets/kws01/y_labels.csv",
                "datasets/kws01/no_such_file.csv"));
        Run r = fetch(tmp.resolve("assets"), "--only", "data/kws01/");
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.err().contains("data/kws01/y_labels.csv: HTTP 404 from " + baseUrl()), r.err());
    }

    @Test
    void bundledManifestListsEveryUpstreamFile() {
        AssetManifest m = AssetManifest.bundled();
        assertEquals(3484, m.entries().size());
        assertTrue(m.entries().stream().noneMatch(e -> e.file().equals("models/kws/kws_ref_model_fp32.tflite")),
                "the derived float KWS model has no upstream origin");
    }
}
