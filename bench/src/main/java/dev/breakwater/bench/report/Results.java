package dev.breakwater.bench.report;

import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.measure.ResourceTrace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Everything a run measured, in the order it was measured: figures per arm and repeat, notes,
 * failures, the RSS traces and latency histograms the charts are drawn from.
 *
 * <p>Concurrency: filled by the harness's one scenario thread; read once the run ends.
 */
public final class Results {

  /** A chart of RSS over time: one trace per arm (the first repeat's). */
  public record RssChart(String file, String title, Map<Arm, ResourceTrace> traces) {}

  /** A chart of latency distributions: one histogram per arm, merged over repeats. */
  public record LatencyChart(String file, String title, Map<Arm, Histogram> histograms) {}

  private final List<Figure> figures = new ArrayList<>();
  private final Map<Figure, Map<Arm, TreeMap<Integer, Double>>> values = new LinkedHashMap<>();
  private final Map<String, List<String>> notes = new LinkedHashMap<>();
  private final Map<String, String> titles = new LinkedHashMap<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final Map<String, RssChart> rssCharts = new LinkedHashMap<>();
  private final Map<String, LatencyChart> latencyCharts = new LinkedHashMap<>();

  public void scenario(String id, String title) {
    titles.put(id, title);
  }

  public void note(String scenario, String text) {
    notes.computeIfAbsent(scenario, k -> new ArrayList<>()).add(text);
  }

  public void failed(String scenario, String why) {
    failures.put(scenario, why);
  }

  public void put(Figure f, Arm arm, int repeat, double value) {
    declare(f);
    values.get(f).computeIfAbsent(arm, a -> new TreeMap<>()).put(repeat, value);
  }

  /** Fixes the figures' row order (otherwise the order of their first values). */
  public void declare(Figure... fs) {
    for (Figure f : fs) {
      if (!values.containsKey(f)) {
        figures.add(f);
        values.put(f, new EnumMap<>(Arm.class));
      }
    }
  }

  /** Keeps the first trace given for each (chart, arm). */
  public void rss(String file, String title, Arm arm, ResourceTrace trace) {
    rssCharts.computeIfAbsent(file, f -> new RssChart(f, title, new EnumMap<>(Arm.class))).traces().putIfAbsent(arm, trace);
  }

  /** Adds {@code h} to the (chart, arm) histogram. */
  public void latency(String file, String title, Arm arm, Histogram h) {
    LatencyChart c = latencyCharts.computeIfAbsent(file, f -> new LatencyChart(f, title, new EnumMap<>(Arm.class)));
    c.histograms().computeIfAbsent(arm, a -> new Histogram(h.getHighestTrackableValue(), 3)).add(h);
  }

  public List<String> scenarios() {
    List<String> ids = new ArrayList<>(titles.keySet());
    return ids;
  }

  public String title(String scenario) {
    return titles.getOrDefault(scenario, scenario);
  }

  public List<String> notes(String scenario) {
    return notes.getOrDefault(scenario, List.of());
  }

  public Optional<String> failure(String scenario) {
    return Optional.ofNullable(failures.get(scenario));
  }

  public List<Figure> figures(String scenario) {
    return figures.stream().filter(f -> f.scenario().equals(scenario)).toList();
  }

  public List<Figure> figures() {
    return List.copyOf(figures);
  }

  /** Values by repeat for one arm; empty when the arm did not run this figure. */
  public TreeMap<Integer, Double> values(Figure f, Arm arm) {
    return values.getOrDefault(f, Map.of()).getOrDefault(arm, new TreeMap<>());
  }

  public Stats stats(Figure f, Arm arm) {
    return Stats.of(values(f, arm).values());
  }

  /** arm / direct per repeat, over the repeats both ran (ratios with a zero direct value are left out). */
  public Stats ratio(Figure f, Arm arm) {
    TreeMap<Integer, Double> a = values(f, arm);
    TreeMap<Integer, Double> d = values(f, Arm.DIRECT);
    List<Double> r = new ArrayList<>();
    for (var e : a.entrySet()) {
      Double dv = d.get(e.getKey());
      if (dv != null && dv != 0 && !dv.isNaN() && !e.getValue().isNaN()) {
        r.add(e.getValue() / dv);
      }
    }
    return Stats.of(r);
  }

  public Optional<Boolean> met(Figure f) {
    return f.target().met(stats(f, Arm.DIRECT), stats(f, f.judged()), ratio(f, f.judged()));
  }

  public List<RssChart> rssCharts() {
    return List.copyOf(rssCharts.values());
  }

  public List<LatencyChart> latencyCharts() {
    return List.copyOf(latencyCharts.values());
  }

  /** The charts whose file name starts with the scenario's id ({@code s1-…}) and not with a longer one's ({@code s1-table-…}). */
  public List<String> chartFiles(String scenario) {
    List<String> files = new ArrayList<>();
    rssCharts.keySet().stream().filter(f -> owner(f).equals(scenario)).forEach(files::add);
    latencyCharts.keySet().stream().filter(f -> owner(f).equals(scenario)).forEach(files::add);
    return files;
  }

  private String owner(String file) {
    return titles.keySet().stream().filter(s -> file.startsWith(s.toLowerCase(Locale.ROOT) + "-"))
        .max(Comparator.comparingInt(String::length)).orElse("");
  }
}
