package io.bitsweep.search.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * report.html of a real search (IC ResNet-8, exact evaluator, MPIC costs), opened from disk in a real headless
 * Chromium: every evaluated point is plotted, clicking a front point shows its per-channel heatmap and per-layer
 * costs, the axis switch redraws against cycles and energy, and the page logs no error and makes no network request.
 * Screenshots go to search-driver/target/report-browser/. Skipped when Chromium is not installed, unless
 * -Dbitsweep.browser.required=true (CI installs Debian's chromium and sets it).
 */
class ReportBrowserTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              runner = local
              hw.target = mpic
              population = 8
              generations = 2
              shards = 2
              splits.calibration { offset = 0, count = 16, samples = -1 }
              splits.evaluation { offset = 16, count = 40 }
              constraints { max-accuracy-drop = -1, memory-budget = none }
            }""";
    static final Path OUT = Path.of(System.getProperty("bitsweep.repo", "."), "search-driver", "target",
            "report-browser");
    static final int WIDTH = 1400;
    /** The browsers' profiles, removed by JUnit after the class (a browser writes hundreds of files there). */
    @TempDir
    static Path profiles;

    static SearchJob.Result run;
    static Path report;

    @BeforeAll
    static void search() throws Exception {
        boolean required = Boolean.getBoolean("bitsweep.browser.required");
        Assumptions.assumeTrue(required || HeadlessChromium.available(),
                "no chromium at " + HeadlessChromium.binary() + " (apt-get install chromium)");
        Path dir = OUT.resolve("run");
        deleteRecursively(dir);
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(IC), List.of(), null);
        run = SearchJob.run(s, new SearchJob.Options(dir.toString(), false, null, false, null), SearchListener.NONE);
        report = dir.resolve("report.html");
    }

    @Test
    void everyPointIsPlottedAndAClickShowsThePointsHeatmap() throws Exception {
        List<Scored> front = run.archive().points();
        try (HeadlessChromium chrome = open(report)) {

            JsonNode counts = chrome.eval("""
                    (() => { const c = {}; bitsweepReport.front.getOption().series
                        .filter(s => s.type === 'scatter').forEach(s => c[s.id] = s.data.length); return c; })()""");
            JsonNode data = chrome.eval("JSON.parse(document.getElementById('report-data').textContent)");
            int points = data.path("points").size();
            assertEquals(front.size(), counts.path("front").asInt(), "front points plotted");
            assertEquals(points, counts.path("front").asInt() + counts.path("dominated").asInt()
                    + counts.path("infeasible").asInt(), "every evaluated point plotted once: " + counts);
            assertTrue(counts.path("dominated").asInt() + counts.path("infeasible").asInt() > 0, counts.toString());
            assertTrue(counts.path("baselines").asInt() >= 2, "uniform baselines marked: " + counts);
            assertEquals(front.stream().map(Scored::id).collect(Collectors.toSet()), ids(chrome, "front"));
            chrome.screenshot(OUT.resolve("report.png"), WIDTH);

            // A real click on the front point farthest from every other plotted point.
            JsonNode target = chrome.eval("""
                    (() => { const ch = bitsweepReport.front, box = document.getElementById('front-chart');
                      window.scrollTo(0, 0); const r = box.getBoundingClientRect();
                      const px = [];
                      ch.getOption().series.filter(s => s.type === 'scatter').forEach(s => s.data.forEach(d => {
                        const p = ch.convertToPixel({seriesId: s.id}, d.value);
                        px.push({id: d.point.id, front: s.id === 'front', x: p[0] + r.left, y: p[1] + r.top}); }));
                      let best = null, gap = -1;
                      px.filter(p => p.front).forEach(p => { const g = Math.min(...px.filter(q => q !== p)
                        .map(q => Math.hypot(q.x - p.x, q.y - p.y))); if (g > gap) { gap = g; best = p; } });
                      return best; })()""");
            String id = target.path("id").asText();
            Scored point = front.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
            chrome.click(target.path("x").asDouble(), target.path("y").asDouble());
            chrome.await("document.getElementById('detail').getAttribute('data-point-id') === '" + id + "'",
                    Duration.ofSeconds(10));
            JsonNode detail = data.path("details").path(id);
            int channels = 0;
            for (JsonNode layer : detail.path("layers")) {
                channels += layer.path("weights").size();
            }
            assertTrue(channels > 0, "the point has per-channel formats");
            assertEquals(channels, chrome.eval("bitsweepReport.heatmap.getOption().series[0].data.length").asInt(),
                    "one heatmap cell per output channel of every layer");
            assertEquals("best/" + id + ".json", chrome.eval(
                    "document.querySelector('#detail a').getAttribute('href')").asText());
            assertTrue(Files.isRegularFile(report.resolveSibling("best/" + id + ".json")));
            String evalCommand = chrome.eval("document.getElementById('cmd-eval').textContent").asText();
            assertTrue(evalCommand.contains("--assignment " + report.getParent().toAbsolutePath() + "/best/" + id
                    + ".json"), evalCommand);
            assertEquals(String.format(Locale.ROOT, "accuracy: %.4f (%d/%d)", point.fitness().quality(),
                    point.fitness().correct(), point.fitness().samples()), run(evalCommand),
                    "the report's eval command prints the accuracy the archive holds");
            assertTrue(chrome.eval("document.getElementById('cmd-export').textContent").asText()
                    .contains("export --run "));
            assertEquals(point.fitness().cycles(), chrome.eval("""
                    (() => { const d = JSON.parse(document.getElementById('report-data').textContent).details['%s'];
                      const i = d.layer_costs.columns.indexOf('total_cycles');
                      return d.layer_costs.rows.find(r => r[0] === 'total')[i]; })()""".formatted(id)).asDouble(),
                    0.5, "the per-layer costs add up to the point's cycles");
            // The stacked cycle bars (compute, requantization, stall) are each layer's total_cycles; MPIC requantizes.
            JsonNode bars = chrome.eval("""
                    (() => { const d = JSON.parse(document.getElementById('report-data').textContent).details['%s'];
                      const c = d.layer_costs.columns, rows = d.layer_costs.rows.filter(r => r[0] !== 'total');
                      const s = echarts.getInstanceByDom(document.getElementById('layer-cycles-chart'))
                        .getOption().series;
                      return { names: s.map(x => x.name),
                        mismatches: rows.filter((r, i) => s.reduce((a, x) => a + x.data[i], 0)
                          !== r[c.indexOf('total_cycles')]).length,
                        requant: rows.reduce((a, r) => a + r[c.indexOf('requant_cycles')], 0) }; })()"""
                    .formatted(id));
            assertEquals("[\"compute\",\"requantization\",\"stall\"]", bars.path("names").toString());
            assertEquals(0, bars.path("mismatches").asInt(), "layers whose bars are not their total_cycles");
            assertTrue(bars.path("requant").asLong() > 0, bars.toString());
            chrome.screenshot(OUT.resolve("report-point.png"), WIDTH);

            // The axis switch: the same points against cycles, then energy.
            for (String axis : List.of("cycles", "energy_pj")) {
                chrome.eval("document.querySelector('#axis-switch button[data-axis=\"" + axis + "\"]').click()");
                assertEquals(axis, chrome.eval("document.getElementById('front-chart').getAttribute('data-axis')")
                        .asText());
                assertEquals(front.size(), ids(chrome, "front").size());
                double expected = front.stream().mapToDouble(p -> axis.equals("cycles") ? p.fitness().cycles() / 1e6
                        : p.fitness().energyPj() / 1e6).min().orElseThrow();
                assertEquals(expected, chrome.eval("Math.min(...bitsweepReport.front.getOption().series"
                        + ".find(s => s.id === 'front').data.map(d => d.value[0]))").asDouble(), 1e-9, axis);
            }

            assertCleanLoad(chrome, report);
        }
    }

    /**
     * compare.html of this run and a copy of it: both fronts drawn, the iso-accuracy table, the copy matching every
     * point, nothing else loaded.
     */
    @Test
    void compareHtmlDrawsBothFronts() throws Exception {
        Path copy = OUT.resolve("run-copy");
        deleteRecursively(copy);
        try (var files = Files.walk(report.getParent())) {
            for (Path p : files.toList()) {
                Path t = copy.resolve(report.getParent().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        Path out = OUT.resolve("compare");
        CompareReport cmp = CompareReport.of(List.of(report.getParent().toString(), copy.toString()), List.of());
        Files.createDirectories(out);
        Path html = Files.writeString(out.resolve("compare.html"), cmp.html());
        try (HeadlessChromium chrome = open(html)) {
            JsonNode counts = chrome.eval("bitsweepReport.front.getOption().series.filter(s => s.type === 'scatter')"
                    + ".map(s => s.data.length)");
            assertEquals("[" + run.archive().size() + "," + run.archive().size() + "]", counts.toString());
            int levels = cmp.json().path("iso_accuracy").size();
            assertEquals(2 * levels, chrome.eval("document.querySelectorAll('#iso-table tbody tr').length").asInt());
            assertTrue(chrome.eval("document.querySelector('.headline').textContent").asText()
                    .startsWith("run-copy against run at iso-accuracy"));
            int points = run.archive().size();
            assertEquals("run-copy matches " + points + " of " + points + " front points of run (a point at least as "
                    + "good in accuracy, weight-bits, cycles): every one",
                    chrome.eval("document.querySelector('.coverage').textContent").asText());
            chrome.screenshot(OUT.resolve("compare.png"), WIDTH);
            assertCleanLoad(chrome, html);
        }
    }

    /** A browser with the page loaded and drawn (its script sets data-ready), recording console and network. */
    private static HeadlessChromium open(Path page) throws Exception {
        HeadlessChromium chrome = new HeadlessChromium(Files.createTempDirectory(profiles, "chromium-profile"),
                WIDTH, 1000);
        try {
            for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
                chrome.send(domain + ".enable", Map.of());
            }
            chrome.send("Page.navigate", Map.of("url", page.toUri().toString()));
            chrome.await("document.body && document.body.getAttribute('data-ready') === 'true'",
                    Duration.ofSeconds(60));
            return chrome;
        } catch (Exception e) {
            chrome.close();
            throw e;
        }
    }

    /** No console error or warning, no exception, and no request but the page itself. */
    private static void assertCleanLoad(HeadlessChromium chrome, Path page) {
        assertEquals(List.of(), problems(chrome), "console errors or exceptions");
        List<String> requests = chrome.events("Network.requestWillBeSent").stream()
                .map(e -> e.path("request").path("url").asText())
                .filter(u -> !u.equals(page.toUri().toString())).toList();
        assertEquals(List.of(), requests, "the page requests nothing but itself");
    }

    /** Runs a command line as the report shows it (bin/bitsweep ..., $BITSWEEP_ASSETS, no quoting needed). */
    private static String run(String commandLine) {
        String[] words = commandLine.replace("$BITSWEEP_ASSETS", Assets.dir().toString()).split(" ");
        assertEquals("bin/bitsweep", words[0]);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BitSweepCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute(Arrays.copyOfRange(words, 1, words.length)), err.toString());
        return out.toString().strip();
    }

    private static Set<String> ids(HeadlessChromium chrome, String series) throws Exception {
        JsonNode ids = chrome.eval("bitsweepReport.front.getOption().series.find(s => s.id === '" + series
                + "').data.map(d => d.point.id)");
        return StreamSupport.stream(ids.spliterator(), false).map(JsonNode::asText)
                .collect(Collectors.toSet());
    }

    /** Console errors and warnings, uncaught exceptions and browser log errors. */
    private static List<String> problems(HeadlessChromium chrome) {
        List<String> out = new ArrayList<>();
        chrome.events("Runtime.exceptionThrown").forEach(e -> out.add("exception: " + e.path("exceptionDetails")));
        chrome.events("Runtime.consoleAPICalled").stream()
                .filter(e -> Set.of("error", "warning", "assert").contains(e.path("type").asText()))
                .forEach(e -> out.add("console." + e.path("type").asText() + ": " + e.path("args")));
        chrome.events("Log.entryAdded").stream()
                .filter(e -> Set.of("error", "warning").contains(e.path("entry").path("level").asText()))
                .forEach(e -> out.add("log: " + e.path("entry")));
        return out;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
