package dev.breakwater.bench.report;

import dev.breakwater.bench.env.Arm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's results: {@code report.md} (header, one table per scenario, charts, targets not
 * met), {@code figures.csv} (every value of every repeat) and the PNG charts.
 */
public final class ReportWriter {

  private ReportWriter() {}

  public static Path write(Path dir, RunInfo info, Results results) throws IOException {
    Files.createDirectories(dir);
    List<String> chartErrors = new ArrayList<>();
    for (Results.RssChart c : results.rssCharts()) {
      try {
        Charts.rss(c, dir);
      } catch (IOException | RuntimeException e) {
        chartErrors.add(c.file() + ": " + e);
      }
    }
    for (Results.LatencyChart c : results.latencyCharts()) {
      try {
        Charts.latency(c, dir);
      } catch (IOException | RuntimeException e) {
        chartErrors.add(c.file() + ": " + e);
      }
    }
    Files.writeString(dir.resolve("figures.csv"), csv(results));
    Path report = dir.resolve("report.md");
    Files.writeString(report, markdown(info, results, chartErrors));
    return report;
  }

  static String markdown(RunInfo info, Results r, List<String> chartErrors) {
    StringBuilder md = new StringBuilder();
    Environment env = info.environment();
    md.append("# Breakwater benchmark — ").append(info.started()).append("\n\n");
    md.append("- **Command:** `").append(info.command()).append("`\n");
    md.append("- **Settings:** ").append(info.settings()).append("\n");
    md.append("- **Arms:** ").append(String.join(", ", info.arms().stream().map(Arm::label).toList())).append("\n");
    md.append("- **Versions:** kube-apiserver ").append(env.apiServer()).append(", ").append(env.etcd()).append(", kubectl ")
        .append(env.kubectl()).append(", JDK ").append(env.jdk()).append(", Breakwater ").append(env.breakwaterCommit()).append("\n");
    md.append("- **Breakwater process:** `java ").append(info.breakwater()).append(" serve … --cache`\n");
    md.append("- **Machine:** ").append(env.cpu()).append(", ").append(env.memory()).append(" RAM, ").append(env.kernel())
        .append("; load average at start ").append(info.loadAtStart()).append(", at end ").append(info.loadAtEnd()).append("\n");
    md.append("- **Elapsed:** ").append(String.format(Locale.ROOT, "%d min %02d s", info.elapsed().toMinutes(),
        info.elapsed().toSecondsPart())).append("\n\n");
    md.append("""
        Cells are the median over repeats with (min–max); ratio columns are arm / direct computed per repeat, then \
        min/median/max. RSS figures are the peak during the measured phase minus the RSS just before it (median of five \
        samples), sampled from /proc every 100 ms; CPU is utime+stime from /proc; upstream counts are the apiserver's own \
        `apiserver_request_total` and `apiserver_longrunning_requests`. Targets are the issue's, judged on the median, never \
        asserted.

        """);

    List<String> notMet = new ArrayList<>();
    for (String s : r.scenarios()) {
      md.append("## ").append(s).append(" — ").append(r.title(s)).append("\n\n");
      for (String n : r.notes(s)) {
        md.append(n).append("\n\n");
      }
      r.failure(s).ifPresent(f -> md.append("**The scenario failed:** ").append(f.replace("\n", " ")).append("\n\n"));
      List<Figure> figs = r.figures(s);
      if (!figs.isEmpty()) {
        List<Arm> arms = info.arms().stream().filter(a -> figs.stream().anyMatch(f -> !r.values(f, a).isEmpty())).toList();
        List<Arm> ratioArms = arms.contains(Arm.DIRECT) ? arms.stream().filter(a -> a != Arm.DIRECT).toList() : List.of();
        md.append("| figure |");
        arms.forEach(a -> md.append(' ').append(a.label()).append(" |"));
        ratioArms.forEach(a -> md.append(' ').append(a.label()).append(" / direct |"));
        md.append(" target | met |\n|---|");
        arms.forEach(a -> md.append("---:|"));
        ratioArms.forEach(a -> md.append("---:|"));
        md.append("---|---|\n");
        for (Figure f : figs) {
          md.append("| ").append(f.label()).append(f.unit().isEmpty() ? "" : " (" + f.unit() + ")").append(" |");
          for (Arm a : arms) {
            md.append(' ').append(Format.stats(r.stats(f, a))).append(" |");
          }
          for (Arm a : ratioArms) {
            Stats ratio = r.ratio(f, a);
            md.append(' ').append(ratio.empty() ? "—" : Format.stats(ratio) + "×").append(" |");
          }
          md.append(' ').append(f.target().describe()).append(" | ");
          var met = r.met(f);
          md.append(met.map(m -> m ? "met" : "**not met**").orElse(f.hasTarget() ? "n/a" : "")).append(" |\n");
          if (met.isPresent() && !met.get()) {
            notMet.add(s + ": " + f.label() + " — target " + f.target().describe() + ", " + f.judged().label() + " "
                + Format.stats(r.stats(f, f.judged())) + (f.unit().isEmpty() ? "" : " " + f.unit())
                + (r.ratio(f, f.judged()).empty() ? "" : " (" + Format.stats(r.ratio(f, f.judged())) + "× direct)"));
          }
        }
        md.append("\n");
      }
      for (String file : r.chartFiles(s)) {
        String title = r.rssCharts().stream().filter(c -> c.file().equals(file)).map(Results.RssChart::title).findFirst()
            .orElseGet(() -> r.latencyCharts().stream().filter(c -> c.file().equals(file)).map(Results.LatencyChart::title)
                .findFirst().orElse(file));
        md.append("![").append(title).append("](").append(file).append(")\n\n*").append(title).append("*\n\n");
      }
    }
    md.append("## Targets not met\n\n");
    if (notMet.isEmpty()) {
      md.append("None.\n");
    } else {
      notMet.forEach(n -> md.append("- ").append(n).append("\n"));
    }
    if (!chartErrors.isEmpty()) {
      md.append("\n## Charts that could not be drawn\n\n");
      chartErrors.forEach(e -> md.append("- ").append(e).append("\n"));
    }
    return md.toString();
  }

  static String csv(Results r) {
    StringBuilder sb = new StringBuilder("scenario,key,label,unit,arm,repeat,value\n");
    for (Figure f : r.figures()) {
      for (Arm a : Arm.values()) {
        for (var e : r.values(f, a).entrySet()) {
          sb.append(f.scenario()).append(',').append(f.key()).append(",\"").append(f.label().replace("\"", "'")).append("\",")
              .append(f.unit()).append(',').append(a.label()).append(',').append(e.getKey()).append(',')
              .append(e.getValue()).append('\n');
        }
      }
    }
    return sb.toString();
  }
}
