package io.bitsweep.search.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * The charting library the HTML reports inline: Apache ECharts from its WebJar (org.webjars.npm:echarts) on the
 * class path, so a report is one file that draws offline and never fetches a script.
 */
final class ChartLibrary {
    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private ChartLibrary() {}

    /** The WebJar's version, e.g. 5.3.1 (the path of its files depends on it). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = resource(WEBJAR)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    /** echarts.min.js, as text to put inside a script element (it holds no "&lt;/script"). */
    static String script() {
        String path = "META-INF/resources/webjars/echarts/" + version() + "/dist/echarts.min.js";
        try (InputStream in = resource(path)) {
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (js.toLowerCase(Locale.ROOT).contains("</script")) {
                throw new IllegalStateException(path + " contains </script and cannot be inlined");
            }
            return js;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = ChartLibrary.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException(path + " is not on the class path (org.webjars.npm:echarts missing)");
        }
        return in;
    }
}
