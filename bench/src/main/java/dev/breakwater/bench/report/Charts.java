package dev.breakwater.bench.report;

import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.measure.ResourceTrace;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNGs (XChart): RSS over time, one panel per arm; latency by percentile, one line per arm. */
public final class Charts {

  private static final Map<String, Color> PROCESS_COLORS = Map.of(
      "kube-apiserver", new Color(0x1f77b4), "etcd", new Color(0x2ca02c), "breakwater", new Color(0xd62728),
      "kubectl-proxy", new Color(0x9467bd));
  private static final Map<Arm, Color> ARM_COLORS = Map.of(
      Arm.DIRECT, new Color(0x1f77b4), Arm.BREAKWATER, new Color(0xd62728), Arm.KUBECTL_PROXY, new Color(0x9467bd),
      Arm.BREAKWATER_DELEGATED, new Color(0xff7f0e), Arm.BREAKWATER_TLS, new Color(0x2ca02c));

  /** The x axis ends at 99.99 %: beyond it XChart's log axis takes forever, and few runs have the samples. */
  static final double MAX_PERCENTILE = 0.9999;

  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** One panel per arm side by side, same y scale, a line per process. */
  public static void rss(Results.RssChart c, Path dir) throws IOException {
    double yMax = 0;
    for (ResourceTrace t : c.traces().values()) {
      for (double[] s : t.rssMiB().values()) {
        yMax = Math.max(yMax, Arrays.stream(s).filter(v -> !Double.isNaN(v)).max().orElse(0));
      }
    }
    yMax = Math.ceil(yMax * 1.1 / 50) * 50;
    List<XYChart> panels = new ArrayList<>();
    for (var e : c.traces().entrySet()) {
      ResourceTrace t = e.getValue();
      XYChart chart = new XYChartBuilder().width(560).height(420).title(e.getKey().label())
          .xAxisTitle("seconds into the measured phase").yAxisTitle("RSS (MiB)").build();
      style(chart);
      chart.getStyler().setYAxisMin(0.0).setYAxisMax(yMax);
      for (var s : t.rssMiB().entrySet()) {
        XYSeries series = chart.addSeries(s.getKey(), t.times(), s.getValue());
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(PROCESS_COLORS.getOrDefault(s.getKey(), Color.DARK_GRAY));
      }
      panels.add(chart);
    }
    if (panels.isEmpty()) {
      return;
    }
    BitmapEncoder.saveBitmap(panels, 1, panels.size(), dir.resolve(c.file()).toString(), BitmapEncoder.BitmapFormat.PNG);
    // A title for the whole figure: drawn as a one-line chart would waste space, so the file name and the
    // report's caption carry it (c.title()).
  }

  /**
   * Latency (ms, log scale) against percentile, with x = log10(1/(1-p)) so that 90 %, 99 %, 99.9 %
   * and 99.99 % are evenly spaced (XChart's own log x axis did not apply here).
   */
  public static void latency(Results.LatencyChart c, Path dir) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(520).title(c.title())
        .xAxisTitle("percentile").yAxisTitle("latency (ms)").build();
    style(chart);
    // The bottom right stays empty: latency only grows with the percentile.
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setYAxisLogarithmic(true).setXAxisMin(0.0).setXAxisMax(Math.log10(1 / (1 - MAX_PERCENTILE)));
    chart.setCustomXAxisTickLabelsFormatter(Charts::percentileLabel);
    for (var e : c.histograms().entrySet()) {
      Histogram h = e.getValue();
      if (h.getTotalCount() == 0) {
        continue;
      }
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (HistogramIterationValue v : h.percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo() / 100.0;
        if (p > MAX_PERCENTILE) {
          break;
        }
        x.add(Math.log10(1 / (1 - p)));
        y.add(Math.max(0.001, h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0));
      }
      if (x.isEmpty()) {
        continue;
      }
      XYSeries s = chart.addSeries(e.getKey().label() + String.format(Locale.ROOT, " (n=%d, p50 %.2f ms, p99 %.2f ms)",
          h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0), x, y);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(ARM_COLORS.getOrDefault(e.getKey(), Color.DARK_GRAY));
    }
    if (chart.getSeriesMap().isEmpty()) {
      return;
    }
    BitmapEncoder.saveBitmap(chart, dir.resolve(c.file()).toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** The percentile at x = log10(1/(1-p)): 0 → 0 %, 1 → 90 %, 2 → 99 %, 3 → 99.9 %. */
  static String percentileLabel(double x) {
    double p = 100 * (1 - Math.pow(10, -x));
    int decimals = Math.max(0, (int) Math.ceil(x) - 2);
    return String.format(Locale.ROOT, "%." + decimals + "f%%", p);
  }

  private static void style(XYChart chart) {
    chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW).setChartBackgroundColor(Color.WHITE)
        .setPlotBackgroundColor(Color.WHITE).setLegendBorderColor(Color.LIGHT_GRAY);
  }
}
