package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.ScoredTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The summary of a sweep, computed from its cells' run directories alone (so it can be recomputed any time): per
 * cell, its front's best quality and the weight memory, energy and cycles it saves at iso-accuracy against uniform
 * int8 (the least cost among front points at least as accurate as the int8 baseline) and against the sweep's
 * reference space, usually layer-wise (the largest saving over the reference front's accuracy levels, as
 * {@code bitsweep compare} headlines it). That is the table of the channel-wise mixed-precision paper. Written as
 * summary.parquet, summary.csv, summary.md and summary.html in the sweep directory.
 */
public final class SweepSummary {
    public static final String SCHEMA_NAME = "bitsweep.sweep-summary/1";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The uniform int8 baseline of generation 0, whatever its activations' int8 variant (int8, int8:asym). */
    private static final Pattern INT8_BASELINE = Pattern.compile("baseline:w=int8,a=int8(:[a-z]+)?");

    /** A cell as the sweep knows it; {@code error} is its failure in this invocation, or null. */
    public record Cell(String id, String benchmark, String target, String space, long seed, String location,
                       String error) {}

    /** The int8 baseline a cell is measured against, and the cell it was evaluated in. */
    record Int8(double quality, double weightBits, double cycles, double energyPj, String from) {}

    /** One row of the summary: {@link #COLUMNS} in order; null where a value does not apply. */
    record Row(Cell cell, String status, String metric, Double floatQuality, Int8 int8, Integer frontPoints,
               Double bestQuality, Double hypervolume, Double isoInt8WeightBits, Double isoInt8MemorySavingPct,
               Double isoInt8EnergyPj, Double isoInt8EnergySavingPct, Double isoInt8CyclesSavingPct,
               String referenceSpace, Integer referenceLevels, Double referenceMemorySavingPct,
               Double referenceEnergySavingPct, Double referenceCyclesSavingPct) {}

    private record Column(String name, String parquetType, Function<Row, Object> value) {}

    private static final List<Column> COLUMNS = List.of(
            new Column("benchmark", "binary", r -> r.cell().benchmark()),
            new Column("target", "binary", r -> r.cell().target()),
            new Column("space", "binary", r -> r.cell().space()),
            new Column("seed", "int64", r -> r.cell().seed()),
            new Column("run", "binary", r -> r.cell().id()),
            new Column("status", "binary", Row::status),
            new Column("error", "binary", r -> r.cell().error()),
            new Column("metric", "binary", Row::metric),
            new Column("float_quality", "double", Row::floatQuality),
            new Column("int8_quality", "double", r -> r.int8() == null ? null : r.int8().quality()),
            new Column("int8_weight_bits", "double", r -> r.int8() == null ? null : r.int8().weightBits()),
            new Column("int8_cycles", "double", r -> r.int8() == null ? null : r.int8().cycles()),
            new Column("int8_energy_pj", "double", r -> r.int8() == null ? null : r.int8().energyPj()),
            new Column("int8_from", "binary", r -> r.int8() == null ? null : r.int8().from()),
            new Column("front_points", "int32", Row::frontPoints),
            new Column("best_quality", "double", Row::bestQuality),
            new Column("final_hypervolume", "double", Row::hypervolume),
            new Column("iso_int8_weight_bits", "double", Row::isoInt8WeightBits),
            new Column("iso_int8_memory_saving_pct", "double", Row::isoInt8MemorySavingPct),
            new Column("iso_int8_energy_pj", "double", Row::isoInt8EnergyPj),
            new Column("iso_int8_energy_saving_pct", "double", Row::isoInt8EnergySavingPct),
            new Column("iso_int8_cycles_saving_pct", "double", Row::isoInt8CyclesSavingPct),
            new Column("reference_space", "binary", Row::referenceSpace),
            new Column("vs_reference_levels", "int32", Row::referenceLevels),
            new Column("vs_reference_memory_saving_pct", "double", Row::referenceMemorySavingPct),
            new Column("vs_reference_energy_saving_pct", "double", Row::referenceEnergySavingPct),
            new Column("vs_reference_cycles_saving_pct", "double", Row::referenceCyclesSavingPct));

    private final String sweep;
    private final List<Row> rows;

    private SweepSummary(String sweep, List<Row> rows) {
        this.sweep = sweep;
        this.rows = rows;
    }

    /**
     * @param referenceSpace the space the other cells of a benchmark, target and seed are compared with, or null
     */
    public static SweepSummary of(String sweep, List<Cell> cells, String referenceSpace) {
        Map<String, RunFront> fronts = new LinkedHashMap<>();
        Map<String, Optional<Int8>> ownInt8 = new LinkedHashMap<>();
        Map<String, Double> floats = new LinkedHashMap<>();
        Map<String, String> status = new LinkedHashMap<>();
        for (Cell c : cells) {
            RunStore store = RunStore.at(c.location(), new Configuration());
            String s = c.error() != null ? "failed" : store.isFinished() ? "done"
                    : store.exists(RunStore.RUN_JSON) ? "incomplete" : "not started";
            status.put(c.id(), s);
            if (s.equals("done")) {
                fronts.put(c.id(), RunFront.read(c.location(), c.id()));
                ownInt8.put(c.id(), int8Baseline(store, c.id()));
                floats.put(c.id(), floatQuality(store, c.location()));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Cell c : cells) {
            RunFront front = fronts.get(c.id());
            if (front == null) {
                rows.add(new Row(c, status.get(c.id()), null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null));
                continue;
            }
            Int8 int8 = groupInt8(c, cells, ownInt8, referenceSpace);
            Optional<IsoAccuracy.Best> isoMemory = isoInt8(front, int8, IsoAccuracy.Cost.WEIGHT_BITS);
            Optional<IsoAccuracy.Best> isoEnergy = isoInt8(front, int8, IsoAccuracy.Cost.ENERGY);
            Optional<IsoAccuracy.Best> isoCycles = isoInt8(front, int8, IsoAccuracy.Cost.CYCLES);
            Cell ref = referenceSpace == null || c.space().equals(referenceSpace) ? null : cells.stream()
                    .filter(o -> o.space().equals(referenceSpace) && o.benchmark().equals(c.benchmark())
                            && o.target().equals(c.target()) && o.seed() == c.seed() && fronts.containsKey(o.id()))
                    .findFirst().orElse(null);
            IsoAccuracy.Headline h = null;
            if (ref != null) {
                List<RunFront> pair = List.of(fronts.get(ref.id()), front);
                List<Double> levels = IsoAccuracy.defaultLevels(List.of(fronts.get(ref.id())));
                h = IsoAccuracy.headlines(pair, IsoAccuracy.table(pair, levels)).get(0);
            }
            rows.add(new Row(c, "done", front.qualityMetric(), floats.get(c.id()), int8, front.front().size(),
                    front.front().stream().mapToDouble(RunFront.Point::quality).max().orElse(Double.NaN),
                    front.hypervolumes().isEmpty() ? null
                            : front.hypervolumes().get(front.hypervolumes().size() - 1).hypervolume(),
                    isoMemory.map(IsoAccuracy.Best::value).orElse(null),
                    isoMemory.map(b -> saving(b.value(), int8.weightBits())).orElse(null),
                    isoEnergy.map(IsoAccuracy.Best::value).orElse(null),
                    isoEnergy.map(b -> saving(b.value(), int8.energyPj())).orElse(null),
                    isoCycles.map(b -> saving(b.value(), int8.cycles())).orElse(null),
                    ref == null ? null : referenceSpace, h == null ? null : h.levels(),
                    h == null ? null : h.maxSavingPct().get(IsoAccuracy.Cost.WEIGHT_BITS.ordinal()).orElse(null),
                    h == null ? null : h.maxSavingPct().get(IsoAccuracy.Cost.ENERGY.ordinal()).orElse(null),
                    h == null ? null : h.maxSavingPct().get(IsoAccuracy.Cost.CYCLES.ordinal()).orElse(null)));
        }
        return new SweepSummary(sweep, rows);
    }

    /**
     * The cell's own int8 baseline, else that of the reference space's cell, else of any cell of the same benchmark,
     * target and seed (a BFP space has no int8 genome; a uniform int8 assignment costs the same in every space).
     */
    private static Int8 groupInt8(Cell c, List<Cell> cells, Map<String, Optional<Int8>> own, String referenceSpace) {
        List<Cell> group = new ArrayList<>(cells.stream().filter(o -> o.benchmark().equals(c.benchmark())
                && o.target().equals(c.target()) && o.seed() == c.seed() && own.containsKey(o.id())).toList());
        group.sort((a, b) -> Integer.compare(rank(a, c, referenceSpace), rank(b, c, referenceSpace)));
        return group.stream().map(o -> own.get(o.id())).flatMap(Optional::stream).findFirst().orElse(null);
    }

    private static int rank(Cell o, Cell c, String referenceSpace) {
        return o.id().equals(c.id()) ? 0 : o.space().equals(referenceSpace) ? 1 : 2;
    }

    /** Generation 0's uniform int8 candidate, fully evaluated (racing may have stopped it early: then none). */
    private static Optional<Int8> int8Baseline(RunStore store, String id) {
        for (ScoredTable.Row r : store.readTable(0, "evaluations")) {
            Fitness f = r.fitness();
            if (INT8_BASELINE.matcher(r.candidate().origin()).matches() && f.complete()) {
                // Rounded as front.csv writes qualities (6 decimals), so that the int8 genome's own front point
                // counts as reaching int8's quality.
                double quality = Math.round(f.quality() * 1e6) / 1e6;
                return Optional.of(new Int8(quality, f.weightBits(), f.cycles(), f.energyPj(), id));
            }
        }
        return Optional.empty();
    }

    /** The float model's quality on the evaluation split, as generation 0's summary.json records it (newer runs). */
    private static Double floatQuality(RunStore store, String location) {
        String file = RunStore.generationDir(0) + "/" + RunStore.SUMMARY;
        try {
            JsonNode q = JSON.readTree(store.readText(file)).path("float_quality");
            return q.isNumber() ? q.asDouble() : null;
        } catch (IOException e) {
            throw new BitSweepException(location + "/" + file + ": not valid JSON", e);
        }
    }

    /** The cell's least {@code cost} among front points at least as accurate as int8 (none without int8). */
    private static Optional<IsoAccuracy.Best> isoInt8(RunFront front, Int8 int8, IsoAccuracy.Cost cost) {
        return int8 == null ? Optional.empty() : IsoAccuracy.cheapest(front.front(), int8.quality(), cost);
    }

    private static double saving(double value, double baseline) {
        return baseline > 0 ? 100 * (1 - value / baseline) : Double.NaN;
    }

    /** summary.parquet, summary.csv, summary.md and summary.html into the sweep directory. */
    public void write(RunStore root) {
        root.writeParquet("summary.parquet", schema(), groups());
        root.writeText("summary.csv", csv());
        root.writeText("summary.md", markdown());
        root.writeText("summary.html", html());
    }

    static MessageType schema() {
        StringBuilder sb = new StringBuilder("message bitsweep_sweep_summary {\n");
        for (Column c : COLUMNS) {
            sb.append("  optional ").append(c.parquetType()).append(' ').append(c.name())
                    .append(c.parquetType().equals("binary") ? " (STRING)" : "").append(";\n");
        }
        return MessageTypeParser.parseMessageType(sb.append("}\n").toString());
    }

    private List<Group> groups() {
        SimpleGroupFactory factory = new SimpleGroupFactory(schema());
        List<Group> out = new ArrayList<>();
        for (Row r : rows) {
            Group g = factory.newGroup();
            for (Column c : COLUMNS) {
                Object v = c.value().apply(r);
                if (v == null || v instanceof Double d && d.isNaN()) {
                    continue;
                }
                switch (c.parquetType()) {
                    case "binary" -> g.append(c.name(), (String) v);
                    case "int64" -> g.append(c.name(), ((Number) v).longValue());
                    case "int32" -> g.append(c.name(), ((Number) v).intValue());
                    default -> g.append(c.name(), ((Number) v).doubleValue());
                }
            }
            out.add(g);
        }
        return out;
    }

    /** One line per cell, every column; empty where a value does not apply. */
    public String csv() {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS.stream().map(Column::name).toList()))
                .append('\n');
        for (Row r : rows) {
            List<String> fields = new ArrayList<>();
            for (Column c : COLUMNS) {
                fields.add(csvField(c.value().apply(r)));
            }
            sb.append(String.join(",", fields)).append('\n');
        }
        return sb.toString();
    }

    private static String csvField(Object v) {
        if (v == null || v instanceof Double d && d.isNaN()) {
            return "";
        }
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.6g", d);
        }
        String s = v.toString().replace('\n', ' ');
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static final List<String> TABLE_HEADER = List.of("benchmark", "target", "space", "seed", "status",
            "float", "int8", "best", "front points", "memory saved vs int8", "energy saved vs int8",
            "memory saved vs reference", "energy saved vs reference");

    /** The table a reader compares: qualities and savings in percent (a negative saving: it costs more). */
    private List<List<String>> table() {
        List<List<String>> out = new ArrayList<>();
        for (Row r : rows) {
            Cell c = r.cell();
            out.add(List.of(c.benchmark(), c.target(), c.space(), Long.toString(c.seed()), r.status(),
                    pct(r.floatQuality()), r.int8() == null ? "" : pct(r.int8().quality()), pct(r.bestQuality()),
                    r.frontPoints() == null ? "" : r.frontPoints().toString(),
                    savingText(r.isoInt8MemorySavingPct()) + (r.isoInt8WeightBits() == null ? ""
                            : String.format(Locale.ROOT, " (%.1f kB)", r.isoInt8WeightBits() / 8 / 1000)),
                    savingText(r.isoInt8EnergySavingPct()),
                    savingText(r.referenceMemorySavingPct()),
                    savingText(r.referenceEnergySavingPct())));
        }
        return out;
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String savingText(Double v) {
        return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.1f%%", v);
    }

    /** The table as Markdown (docs/RESULTS.md takes it as is). */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", TABLE_HEADER)).append(" |\n");
        sb.append("|").append("---|".repeat(TABLE_HEADER.size())).append('\n');
        for (List<String> row : table()) {
            sb.append("| ").append(String.join(" | ", row.stream().map(s -> s.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        return sb.append('\n').append(LEGEND).append('\n').toString();
    }

    private static final String LEGEND = "Qualities are accuracy (AUC for anomaly detection) on the evaluation split. "
            + "Memory is weight memory; energy is the hardware target's model. Saved vs int8: the least cost among the "
            + "cell's front points at least as accurate as uniform int8, against uniform int8's cost. Saved vs "
            + "reference: the largest saving, over the reference space's front points, of the cell's cheapest point at "
            + "least as accurate (as bitsweep compare headlines it). Empty: no front point is that accurate.";

    String html() {
        StringBuilder body = new StringBuilder("<h1>BitSweep sweep: ").append(HtmlPage.escape(sweep)).append("</h1>\n");
        body.append("<table>\n<thead><tr>");
        TABLE_HEADER.forEach(h -> body.append("<th>").append(HtmlPage.escape(h)).append("</th>"));
        body.append("</tr></thead>\n<tbody>\n");
        List<List<String>> table = table();
        for (int i = 0; i < table.size(); i++) {
            Row r = rows.get(i);
            body.append("<tr title=\"").append(HtmlPage.escape(Objects.requireNonNullElse(r.cell().error(), "")))
                    .append("\">");
            for (int k = 0; k < table.get(i).size(); k++) {
                String v = HtmlPage.escape(table.get(i).get(k));
                body.append("<td>").append(k == 4 && r.status().equals("done")
                        ? "<a href=\"" + HtmlPage.escape(r.cell().id()) + "/report.html\">" + v + "</a>" : v)
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n<p>").append(HtmlPage.escape(LEGEND)).append("</p>\n");
        return HtmlPage.renderStatic("BitSweep sweep: " + sweep, body.toString());
    }

    /** The rows' statuses, in cell order (for the command's closing line). */
    public List<String> statuses() {
        return rows.stream().map(Row::status).toList();
    }
}
