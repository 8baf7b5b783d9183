package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.Objective;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code bitsweep compare}: several finished runs of one model and data set, their fronts on the same axes
 * (compare.html, compare.png) and the iso-accuracy table ({@link IsoAccuracy}) as text, CSV and JSON.
 */
public final class CompareReport {
    public static final String SCHEMA = "bitsweep.compare/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<RunFront> runs;
    private final List<IsoAccuracy.Level> table;
    private final List<IsoAccuracy.Headline> headlines;
    private final List<FrontCoverage> coverage;

    private CompareReport(List<RunFront> runs, List<Double> levels) {
        this.runs = runs;
        this.table = IsoAccuracy.table(runs, levels);
        this.headlines = IsoAccuracy.headlines(runs, table);
        this.coverage = runs.subList(1, runs.size()).stream().map(r -> FrontCoverage.of(runs.get(0), r)).toList();
    }

    /**
     * Reads the runs and checks they are comparable: the same model and data (by sha256) and quality metric.
     *
     * @param locations run directories (local paths or Hadoop FileSystem URIs); the first is the reference
     * @param levels    accuracy levels as fractions, or empty for every accuracy a front point has
     */
    public static CompareReport of(List<String> locations, List<Double> levels) {
        List<String> names = RunNames.of(locations);
        if (names.stream().distinct().count() < names.size()) {
            throw new BitSweepException("the same run is given twice (runs: " + String.join(", ", locations) + ")");
        }
        List<RunFront> runs = new ArrayList<>();
        for (int i = 0; i < locations.size(); i++) {
            runs.add(RunFront.read(locations.get(i), names.get(i)));
        }
        requireSame(runs, "model", RunFront::modelSha256);
        requireSame(runs, "data", RunFront::dataSha256);
        requireSame(runs, "quality metric", RunFront::qualityMetric);
        return new CompareReport(runs, levels.isEmpty() ? IsoAccuracy.defaultLevels(runs) : levels);
    }

    private static void requireSame(List<RunFront> runs, String what, Function<RunFront, String> key) {
        RunFront first = runs.get(0);
        for (RunFront r : runs.subList(1, runs.size())) {
            if (!key.apply(r).equals(key.apply(first))) {
                String label = what.equals("quality metric") ? what : what + " sha256";
                throw new BitSweepException("runs of different " + what + " cannot be compared: " + first.location()
                        + " has " + label + " " + key.apply(first) + ", " + r.location() + " has " + key.apply(r));
            }
        }
    }

    /** Names of targets when the runs differ in it (their costs then come from different hardware models). */
    public Optional<String> targetWarning() {
        if (runs.stream().map(RunFront::target).distinct().count() <= 1) {
            return Optional.empty();
        }
        return Optional.of("the runs cost on different hardware targets (" + String.join(", ",
                runs.stream().map(r -> r.name() + ": " + r.target()).toList()) + "): cycles and energy come from "
                + "different models");
    }

    /**
     * The table as the terminal shows it, then per run against the first one headline and how many of the first
     * run's front points it matches.
     */
    public String text() {
        String metric = runs.get(0).qualityMetric();
        int nameWidth = Math.max(4, runs.stream().mapToInt(r -> r.name().length()).max().orElse(4));
        StringBuilder sb = new StringBuilder();
        sb.append("iso-").append(metric).append(": least weight memory, cycles and energy among each run's front points "
                + "with ").append(metric).append(" >= level; savings against ").append(runs.get(0).name())
                .append('\n');
        String row = "%8s  %-" + nameWidth + "s  %11s %7s  %10s %7s  %11s %7s%n";
        sb.append(String.format(Locale.ROOT, row, metric, "run", "weight KiB", "saving", "cycles (M)", "saving",
                "energy (uJ)", "saving"));
        for (IsoAccuracy.Level l : table) {
            boolean first = true;
            for (IsoAccuracy.Cell c : l.cells()) {
                sb.append(String.format(Locale.ROOT, row,
                        first ? String.format(Locale.ROOT, "%.2f%%", 100 * l.level()) : "", c.run(),
                        value(c, 0, 1 / 8192.0, "%.2f"), saving(c, 0),
                        value(c, 1, 1e-6, "%.4f"), saving(c, 1),
                        value(c, 2, 1e-6, "%.3f"), saving(c, 2)));
                first = false;
            }
        }
        for (IsoAccuracy.Headline h : headlines) {
            sb.append(h.run()).append(" against ").append(h.against()).append(" at iso-").append(metric).append(" (")
                    .append(h.levels()).append(" levels both reach): ");
            if (h.levels() == 0) {
                sb.append("no common level\n");
                continue;
            }
            sb.append(headline(h.maxSavingPct().get(0), "less weight memory", "more weight memory")).append(", ")
                    .append(headline(h.maxSavingPct().get(1), "fewer cycles", "more cycles")).append(", ")
                    .append(headline(h.maxSavingPct().get(2), "less energy", "more energy")).append('\n');
        }
        for (FrontCoverage c : coverage) {
            sb.append(c.run()).append(" matches ");
            if (c.covered().isEmpty()) {
                sb.append("- of ").append(c.against()).append("'s front points: the runs have different objectives\n");
                continue;
            }
            sb.append(c.covered().get()).append(" of ").append(c.points()).append(" front points of ").append(c.against())
                    .append(" (a point at least as good in ").append(String.join(", ", c.objectives().stream()
                            .map(Objective::key).toList())).append(')')
                    .append(c.covered().get() == c.points() ? ": every one\n" : "\n");
        }
        return sb.toString();
    }

    private static String headline(Optional<Double> saving, String less, String more) {
        if (saving.isEmpty()) {
            return "- " + less;
        }
        double s = saving.get();
        return s >= 0 ? String.format(Locale.ROOT, "up to %.1f%% %s", s, less)
                : String.format(Locale.ROOT, "at best %.1f%% %s", -s, more);
    }

    private static String value(IsoAccuracy.Cell c, int cost, double scale, String format) {
        return c.best().get(cost).map(b -> String.format(Locale.ROOT, format, b.value() * scale)).orElse("-");
    }

    private static String saving(IsoAccuracy.Cell c, int cost) {
        return c.savingPct().get(cost).map(s -> String.format(Locale.ROOT, "%.1f%%", s)).orElse("-");
    }

    /**
     * iso-accuracy.csv: one row per (level, run), levels as fractions like front.csv's quality, costs as front.csv
     * has them, the id of the point giving each, and the savings against the first run in percent; empty: none.
     */
    public String csv() {
        StringBuilder sb = new StringBuilder("level,run");
        for (IsoAccuracy.Cost c : IsoAccuracy.Cost.values()) {
            sb.append(',').append(c.column).append(',').append(c.column).append("_point");
        }
        for (IsoAccuracy.Cost c : IsoAccuracy.Cost.values()) {
            sb.append(',').append(c.column).append("_saving_pct");
        }
        sb.append('\n');
        for (IsoAccuracy.Level l : table) {
            for (IsoAccuracy.Cell c : l.cells()) {
                sb.append(String.format(Locale.ROOT, "%.6f", l.level())).append(',').append(c.run());
                for (Optional<IsoAccuracy.Best> b : c.best()) {
                    sb.append(',').append(b.map(x -> String.format(Locale.ROOT, "%.1f", x.value())).orElse(""))
                            .append(',').append(b.map(IsoAccuracy.Best::pointId).orElse(""));
                }
                for (Optional<Double> s : c.savingPct()) {
                    sb.append(',').append(s.map(x -> String.format(Locale.ROOT, "%.6f", x)).orElse(""));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** The machine-readable document (--json), also the data compare.html draws. */
    public ObjectNode json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("quality_metric", runs.get(0).qualityMetric());
        root.put("model_sha256", runs.get(0).modelSha256());
        root.put("data_sha256", runs.get(0).dataSha256());
        ArrayNode rs = root.putArray("runs");
        for (RunFront r : runs) {
            ObjectNode o = rs.addObject().put("name", r.name()).put("location", r.location()).put("target", r.target());
            ArrayNode front = o.putArray("front");
            r.front().forEach(p -> front.addObject().put("id", p.id()).put("origin", p.origin())
                    .put("quality", p.quality()).put("weight_bits", p.weightBits()).put("memory_bytes", p.memoryBytes())
                    .put("cycles", p.cycles()).put("energy_pj", p.energyPj()).put("run", r.name()));
            ArrayNode hv = o.putArray("generations");
            r.hypervolumes().forEach(h -> hv.addObject().put("generation", h.generation())
                    .put("hypervolume", h.hypervolume()));
        }
        ArrayNode levels = root.putArray("iso_accuracy");
        for (IsoAccuracy.Level l : table) {
            ObjectNode lo = levels.addObject().put("level", l.level());
            ArrayNode cells = lo.putArray("runs");
            for (IsoAccuracy.Cell c : l.cells()) {
                ObjectNode co = cells.addObject().put("run", c.run());
                IsoAccuracy.Cost[] costs = IsoAccuracy.Cost.values();
                for (int i = 0; i < costs.length; i++) {
                    String col = costs[i].column;
                    Optional<IsoAccuracy.Best> b = c.best().get(i);
                    Optional<Double> s = c.savingPct().get(i);
                    if (b.isPresent()) {
                        co.put(col, b.get().value()).put(col + "_point", b.get().pointId());
                    } else {
                        co.putNull(col).putNull(col + "_point");
                    }
                    if (s.isPresent()) {
                        co.put(col + "_saving_pct", s.get());
                    } else {
                        co.putNull(col + "_saving_pct");
                    }
                }
            }
        }
        ArrayNode hs = root.putArray("headlines");
        for (IsoAccuracy.Headline h : headlines) {
            ObjectNode ho = hs.addObject().put("run", h.run()).put("against", h.against()).put("levels", h.levels());
            IsoAccuracy.Cost[] costs = IsoAccuracy.Cost.values();
            for (int i = 0; i < costs.length; i++) {
                Optional<Double> s = h.maxSavingPct().get(i);
                if (s.isPresent()) {
                    ho.put("max_" + costs[i].column + "_saving_pct", s.get());
                } else {
                    ho.putNull("max_" + costs[i].column + "_saving_pct");
                }
            }
        }
        ArrayNode cs = root.putArray("coverage");
        for (FrontCoverage c : coverage) {
            ObjectNode co = cs.addObject().put("run", c.run()).put("against", c.against()).put("points", c.points());
            ArrayNode objectives = co.putArray("objectives");
            c.objectives().forEach(o -> objectives.add(o.key()));
            if (c.covered().isPresent()) {
                co.put("covered", c.covered().get());
            } else {
                co.putNull("covered");
            }
        }
        return root;
    }

    public String html() {
        return HtmlPage.render("BitSweep comparison: " + String.join(" vs ", runs.stream().map(RunFront::name)
                .toList()), json(), "compare-report.js");
    }

    public byte[] png() {
        return FrontsPng.render(runs, runs.get(0).qualityMetric());
    }
}
