package io.bitsweep.search.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.provenance.BuildInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bitsweep search --event-log DIR} on Spark (local[1]): Spark writes its event log there, each generation's
 * job carries its description, and a real Spark History Server (its own JVM) reads the finished run and lists
 * those jobs through its REST API.
 */
class EventLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void historyServerShowsEveryGenerationsJob(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("s.conf"), "bitsweep.search { evaluator = synthetic, runner = spark, "
                + "data = \"synthetic:24\", population = 4, generations = 2, shards = 2, "
                + "splits.calibration.samples = 8 }\n");
        Path events = dir.resolve("events/nested");
        StringWriter err = new StringWriter();
        var cl = BitSweepCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("search", "--config", conf.toString(), "--master", "local[1]", "--out",
                dir.resolve("run").toString(), "--event-log", events.toString(), "--no-progress");
        assertEquals(0, code, err.toString());

        // Spark 4 writes a rolling event log: a directory eventlog_v2_<app id> of events_<n>_<app id> files and an
        // appstatus file that ends in .inprogress while the application runs.
        List<Path> files;
        try (Stream<Path> walk = Files.walk(events)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertTrue(files.stream().noneMatch(f -> f.toString().endsWith(".inprogress")), "complete: " + files);
        List<String> descriptions = new ArrayList<>();
        for (Path f : files.stream().filter(f -> f.getFileName().toString().startsWith("events_")).toList()) {
            for (String line : Files.readAllLines(f)) {
                JsonNode e = JSON.readTree(line);
                if (e.path("Event").asText().equals("SparkListenerJobStart")) {
                    descriptions.add(e.path("Properties").path("spark.job.description").asText());
                }
            }
        }
        // The profile's job, then each generation's racing stages (stage 1 scores every candidate on its first
        // twentieth of the 16 evaluation samples); each job described by what it scores.
        List<String> described = descriptions.stream().filter(d -> d.startsWith("gen ") || d.startsWith("profile"))
                .toList();
        assertEquals("profile: 17 candidates \u00d7 2 shards, 16 samples", described.get(0), descriptions.toString());
        assertTrue(described.containsAll(List.of("gen 0 stage 1/5: 4 candidates \u00d7 2 shards, 1 sample",
                "gen 1 stage 1/5: 4 candidates \u00d7 2 shards, 1 sample")), descriptions.toString());

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Arrays.asList(BuildInfo.jvmFlags().split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "-Dspark.history.fs.logDirectory=" + events.toUri(), "-Dspark.history.ui.port=" + port,
                "-Dspark.history.fs.update.interval=1s", "org.apache.spark.deploy.history.HistoryServer"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("history-server.log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process history = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + port + "/api/v1/applications";
            JsonNode apps = poll(http, base, history, dir);
            assertEquals(1, apps.size(), apps.toString());
            assertEquals("bitsweep search", apps.get(0).path("name").asText());
            JsonNode jobs = JSON.readTree(get(http, base + "/" + apps.get(0).path("id").asText() + "/jobs"));
            List<String> shown = new ArrayList<>();
            jobs.forEach(j -> shown.add(j.path("description").asText()));
            assertTrue(shown.containsAll(described), shown.toString());
        } finally {
            history.destroy();
            if (!history.waitFor(20, TimeUnit.SECONDS)) {
                history.destroyForcibly();
            }
        }
    }

    /** The application list, once the History Server is up and has read the log (at most four minutes: a busy CI). */
    private static JsonNode poll(HttpClient http, String url, Process history, Path dir) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < end) {
            if (!history.isAlive()) {
                throw new IllegalStateException("the History Server exited: "
                        + Files.readString(dir.resolve("history-server.log")));
            }
            try {
                JsonNode apps = JSON.readTree(get(http, url));
                if (apps.size() > 0) {
                    return apps;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the History Server listed no application within four minutes: "
                + Files.readString(dir.resolve("history-server.log")));
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(90))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + ": HTTP " + r.statusCode());
        }
        return r.body();
    }
}
