package dev.breakwater.bench;

import dev.breakwater.bench.client.Representation;
import dev.breakwater.bench.env.Arms;
import dev.breakwater.bench.env.BenchCluster;
import dev.breakwater.bench.report.Environment;
import dev.breakwater.bench.report.ReportWriter;
import dev.breakwater.bench.report.Results;
import dev.breakwater.bench.report.RunInfo;
import dev.breakwater.bench.scenario.BenchContext;
import dev.breakwater.bench.scenario.S1BigList;
import dev.breakwater.bench.scenario.S2InformerStorm;
import dev.breakwater.bench.scenario.S3RelistStorm;
import dev.breakwater.bench.scenario.S4WatchFanOut;
import dev.breakwater.bench.scenario.S5SmallRequests;
import dev.breakwater.bench.scenario.S6Freshness;
import dev.breakwater.bench.scenario.S7HeapPerObject;
import dev.breakwater.bench.scenario.S8UpstreamRestart;
import dev.breakwater.bench.scenario.S9ClusterScale;
import dev.breakwater.bench.scenario.Scenario;
import dev.breakwater.local.FixtureBinaries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One benchmark run: starts the fixture cluster, runs the selected scenarios in order (a failed
 * scenario is reported and the run goes on), writes the report, stops everything.
 */
public final class Harness {

  static final Map<String, Scenario> SCENARIOS = byId(
      new S1BigList(Representation.JSON), new S1BigList(Representation.PRETTY), new S1BigList(Representation.PROTOBUF),
      new S1BigList(Representation.TABLE), new S2InformerStorm(), new S3RelistStorm(), new S4WatchFanOut(),
      new S5SmallRequests(), new S6Freshness(), new S7HeapPerObject(), new S8UpstreamRestart(),
      new S9ClusterScale());

  private Harness() {}

  /** Runs and returns the results (also written under {@code config.out()}). */
  public static Results run(BenchConfig config, FixtureBinaries binaries) throws Exception {
    Log log = new Log(config.out().resolve("bench.log"));
    Instant started = Instant.now();
    String loadAtStart = Environment.loadAverage();
    log.info("breakwater bench: %s; results in %s", config.describe(), config.out());
    log.info("starting etcd + kube-apiserver from %s", binaries.dir());
    Results results = new Results();
    Environment env;
    try (BenchCluster cluster = BenchCluster.start(binaries)) {
      env = Environment.capture(apiServerVersion(cluster), binaries.etcd(), binaries.kubectl(), config.repo());
      Arms arms = new Arms(cluster, config.launch(), config.out().resolve("logs"));
      BenchContext ctx = new BenchContext(config, cluster, arms, results, log);
      for (String id : config.scenarios()) {
        Scenario s = SCENARIOS.get(id);
        results.scenario(id, s.title());
        log.info("== %s: %s", id, s.title());
        long t0 = System.nanoTime();
        try {
          s.run(ctx);
        } catch (Exception | AssertionError e) {
          StringWriter trace = new StringWriter();
          e.printStackTrace(new PrintWriter(trace));
          log.info("%s failed: %s", id, trace);
          results.failed(id, e.toString());
        }
        log.info("== %s done in %.0f s", id, (System.nanoTime() - t0) / 1e9);
      }
    }
    RunInfo info = new RunInfo(config.command(), started, Duration.between(started, Instant.now()), config.describe(),
        config.arms(), config.launch().describe(), env, loadAtStart, Environment.loadAverage());
    Path report = ReportWriter.write(config.out(), info, results);
    log.info("report: %s", report);
    return results;
  }

  static String apiServerVersion(BenchCluster cluster) {
    try {
      HttpResponse<String> r = cluster.admin().http().send(cluster.admin().request("/version").build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = Pattern.compile("\"gitVersion\":\\s*\"([^\"]+)\"").matcher(r.body());
      return m.find() ? m.group(1) : "?";
    } catch (Exception e) {
      return "?";
    }
  }

  public static List<String> scenarioIds() {
    return BenchConfig.ALL_SCENARIOS;
  }

  private static Map<String, Scenario> byId(Scenario... scenarios) {
    Map<String, Scenario> m = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      m.put(s.id(), s);
    }
    if (!List.copyOf(m.keySet()).equals(BenchConfig.ALL_SCENARIOS)) {
      throw new IllegalStateException("scenarios " + m.keySet() + " differ from BenchConfig.ALL_SCENARIOS");
    }
    return Map.copyOf(m);
  }
}
