package io.bitsweep.search.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One self-contained HTML page: the page's data as a JSON script element, the style sheet, the inlined charting
 * library ({@link ChartLibrary}), the shared chart code (charts.js) and the page's own script. Nothing is loaded
 * from anywhere else, so the file works offline and from any directory.
 */
final class HtmlPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlPage() {}

    /**
     * @param title  the page title (plain text)
     * @param data   what the page's script draws, read from the element with id "report-data"
     * @param script the page's script, a resource beside this class (e.g. run-report.js)
     */
    static String render(String title, JsonNode data, String script) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="generator" content="BitSweep (ECharts %s inlined)">
                <title>%s</title>
                <style>%s</style>
                </head><body>
                <div id="app"></div>
                <script id="report-data" type="application/json">%s</script>
                <script>%s</script>
                <script>%s</script>
                <script>%s</script>
                </body></html>
                """.formatted(ChartLibrary.version(), escape(title), resource("report.css"), scriptSafeJson(data),
                ChartLibrary.script(), resource("charts.js"), resource(script));
    }

    /** A page of static HTML (already escaped) with the reports' style sheet and no script: a table to read. */
    static String renderStatic(String title, String bodyHtml) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <style>%s</style>
                </head><body>
                %s
                </body></html>
                """.formatted(escape(title), resource("report.css"), bodyHtml);
    }

    /**
     * JSON that can stand inside a script element: '&lt;' only occurs in strings, where \u003c means the same, so
     * no "&lt;/script" or "&lt;!--" can end the element early.
     */
    static String scriptSafeJson(JsonNode data) {
        try {
            return JSON.writeValueAsString(data).replace("<", "\\u003c");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing beside " + HtmlPage.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
