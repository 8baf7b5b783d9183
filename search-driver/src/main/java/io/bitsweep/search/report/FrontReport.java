package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.provenance.Provenance;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The end-of-run outputs: front.csv (one row per archive point), best/<id>.json (each point's assignment, loadable by
 * {@code bitsweep eval --assignment}), best/<id>.hwsim.csv (its per-layer hw-sim costs), front.png (quality against
 * weight memory) and report.html (interactive, self-contained: {@link RunReportData} drawn by run-report.js).
 */
public final class FrontReport {
    private final RunStore store;
    private final GenomeCodec codec;
    private final String qualityMetric;
    private final Function<Scored, Optional<String>> layerCostsCsv;
    private final Provenance provenance;

    /**
     * @param layerCostsCsv a point's per-layer costs as hw-sim's CSV, computed as its archived cycles and energy
     *                      were; empty: no file for it
     * @param provenance    what every best/&lt;id&gt;.json records about where it comes from
     */
    public FrontReport(RunStore store, GenomeCodec codec, String qualityMetric,
                       Function<Scored, Optional<String>> layerCostsCsv, Provenance provenance) {
        this.store = store;
        this.codec = codec;
        this.qualityMetric = qualityMetric;
        this.layerCostsCsv = layerCostsCsv;
        this.provenance = provenance;
    }

    /** The per-layer costs file of a front point, relative to the run directory. */
    public static String layerCostsPath(String id) {
        return "best/" + id + ".hwsim.csv";
    }

    /** The archive in the order users read it: smallest weight memory first, then id. */
    public static List<Scored> ordered(List<Scored> archive) {
        return archive.stream().sorted(Comparator.<Scored>comparingDouble(s -> s.fitness().weightBits())
                .thenComparing(Scored::id)).toList();
    }

    /** Writes the front's files; report.html last, from the run store's complete generations. */
    public void write(List<Scored> archive) {
        List<Scored> front = ordered(archive);
        Map<String, String> layerCosts = new HashMap<>();
        for (Scored s : front) {
            store.writeText("best/" + s.id() + ".json",
                    AssignmentJson.write(codec.decode(s.candidate().genome()), provenance.fields()));
            layerCostsCsv.apply(s).ifPresent(csv -> {
                store.writeText(layerCostsPath(s.id()), csv);
                layerCosts.put(s.id(), csv);
            });
        }
        store.writeText("front.csv", csv(front));
        store.writeBytes("front.png", png(front));
        ObjectNode data = new RunReportData(store, codec, qualityMetric).build(front, layerCosts);
        store.writeText(RunStore.REPORT, HtmlPage.render("BitSweep report: " + runName(), data, "run-report.js"));
    }

    /** The run directory's name, the page's title. */
    private String runName() {
        String location = store.location();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public String csv(List<Scored> front) {
        StringBuilder sb = new StringBuilder("id,generation,origin," + qualityMetric
                + ",loss_mean,weight_bits,memory_bytes,cycles,energy_pj,assignment\n");
        for (Scored s : front) {
            Fitness e = s.fitness();
            sb.append(String.format(Locale.ROOT, "%s,%d,%s,%.6f,%.6f,%.1f,%d,%.1f,%.1f,best/%s.json%n", s.id(),
                    s.candidate().generation(), s.candidate().origin().replace(',', ';'), e.quality(), e.lossMean(),
                    e.weightBits(), e.memoryBytes(), e.cycles(), e.energyPj(), s.id()));
        }
        return sb.toString();
    }

    private byte[] png(List<Scored> front) {
        XYChart chart = new XYChartBuilder().width(800).height(520)
                .title("Pareto front").xAxisTitle("weight memory (KiB)").yAxisTitle(qualityMetric + " (%)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(8);
        if (!front.isEmpty()) {
            double[] x = front.stream().mapToDouble(s -> s.fitness().memoryBytes() / 1024.0).toArray();
            double[] y = front.stream().mapToDouble(s -> 100 * s.fitness().quality()).toArray();
            chart.addSeries("archive (" + front.size() + " points)", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
