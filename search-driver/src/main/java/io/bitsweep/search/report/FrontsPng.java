package io.bitsweep.search.report;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** compare.png: the runs' fronts on the same axes, against weight memory, cycles and energy, side by side. */
final class FrontsPng {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 440;

    private record Axis(String title, ToDoubleFunction<RunFront.Point> value) {}

    private static final List<Axis> AXES = List.of(
            new Axis("weight memory (KiB)", p -> p.weightBits() / 8192),
            new Axis("cycles per inference (M)", p -> p.cycles() / 1e6),
            new Axis("energy per inference (uJ)", p -> p.energyPj() / 1e6));

    private FrontsPng() {}

    static byte[] render(List<RunFront> runs, String metric) {
        BufferedImage image = new BufferedImage(WIDTH * AXES.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < AXES.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(chart(runs, metric, AXES.get(i))), i * WIDTH, 0, null);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static XYChart chart(List<RunFront> runs, String metric, Axis axis) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(metric + " against " + axis.title())
                .xAxisTitle(axis.title()).yAxisTitle(metric + " (%)").build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(7);
        for (RunFront r : runs) {
            if (!r.front().isEmpty()) {
                double[] x = r.front().stream().mapToDouble(axis.value()).toArray();
                double[] y = r.front().stream().mapToDouble(p -> 100 * p.quality()).toArray();
                chart.addSeries(r.name() + " (" + r.front().size() + ")", x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }
}
