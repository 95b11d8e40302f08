package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.Representation;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.Latency;
import dev.breakwater.bench.measure.Proc;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Format;
import dev.breakwater.bench.report.Results;
import dev.breakwater.bench.report.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * S1, the streaming-encoding benchmark at small scale: 10 concurrent {@code RV=0} LISTs of one
 * large collection (ConfigMaps of ~100 KB), repeated for a few rounds, in one representation.
 * {@code S1} asks for JSON; {@code S1-pretty}, {@code S1-protobuf} and {@code S1-table} run the
 * same data and figures with indented JSON, protobuf and kubectl's Table Accept. Each is a scenario
 * of its own, so each gets its own freshly restarted apiserver, table and chart.
 *
 * <p>Per arm: the apiserver is restarted (a fresh process, whose watch cache then holds the data),
 * the arm started, one warm-up LIST sent through it (it fills Breakwater's cache, so both arms
 * serve from a warm in-memory cache), then the measured rounds. Extra RSS is each serving
 * process's peak during the rounds minus its RSS just before them. Every response must be a 200
 * with the representation's Content-Type.
 */
public final class S1BigList implements Scenario {

  static final String NS = "bench-s1";
  static final String PATH = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0";
  static final String LIST_KIND = "ConfigMapList";
  static final int CONCURRENT = 10;
  static final int OBJECT_BYTES = 100 * 1024;

  private final Representation rep;
  private final String id;
  final Figure throughput;
  final Figure extraRss;
  final Figure cpuPerGb;
  final Figure rssApiserver;
  final Figure rssEtcd;
  final Figure rssBreakwater;
  final Figure rssKubectl;
  final Figure cpuApiserver;
  final Figure cpuProxy;
  final Figure p50;
  final Figure pmax;
  final Figure listMb;
  final Figure cacheFill;

  public S1BigList(Representation rep) {
    this.rep = rep;
    this.id = idFor(rep);
    throughput = new Figure(id, "throughput", "bytes served per second, 10 concurrent LISTs", "MB/s", new Target.RatioAtLeast(3));
    extraRss = new Figure(id, "extra-rss", "extra RSS, all serving processes (peak − before)", "MiB", new Target.RatioAtMost(0.1));
    cpuPerGb = new Figure(id, "cpu-per-gb", "CPU per GB served, all serving processes", "CPU-s/GB", new Target.RatioAtMost(0.5));
    rssApiserver = new Figure(id, "rss-apiserver", "kube-apiserver peak RSS increase", "MiB");
    rssEtcd = new Figure(id, "rss-etcd", "etcd peak RSS increase", "MiB");
    rssBreakwater = new Figure(id, "rss-breakwater", "breakwater peak RSS increase", "MiB");
    rssKubectl = new Figure(id, "rss-kubectl-proxy", "kubectl proxy peak RSS increase", "MiB");
    cpuApiserver = new Figure(id, "cpu-apiserver", "kube-apiserver CPU per GB", "CPU-s/GB");
    cpuProxy = new Figure(id, "cpu-proxy", "breakwater / kubectl proxy CPU per GB", "CPU-s/GB");
    p50 = new Figure(id, "latency-p50", "LIST latency p50", "s");
    pmax = new Figure(id, "latency-max", "LIST latency max", "s");
    listMb = new Figure(id, "list-size", "bytes per LIST (same data in every arm)", "MB");
    cacheFill = new Figure(id, "cache-fill-rss", "breakwater RSS growth while its cache filled (warm-up)", "MiB");
  }

  /** {@code S1} for JSON, else {@code S1-<representation>}. */
  public static String idFor(Representation rep) {
    return rep.equals(Representation.JSON) ? "S1" : "S1-" + rep.key();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String title() {
    return rep.equals(Representation.JSON)
        ? "big LIST: 10 concurrent RV=0 JSON LISTs of a large collection"
        : "big LIST as " + rep.label() + ": 10 concurrent RV=0 LISTs of S1's collection";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    Results results = ctx.results();
    int objects = ctx.config().count(500, 4);
    int rounds = ctx.config().smoke() ? 1 : 2;
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    long t0 = System.nanoTime();
    TestData.create(ctx.cluster().admin(), NS, "configmaps", objects, i -> OBJECT_BYTES, 8);
    ctx.log().info("%s: created %d ConfigMaps of ~100 KB in %.1f s", id, objects, (System.nanoTime() - t0) / 1e9);
    results.note(id, String.format("%d ConfigMaps of ~100 KB (random base64) in one namespace; %d rounds of %d concurrent "
        + "`GET %s` (Accept: `%s`, no gzip, HTTP/1.1), bodies counted and dropped; every response must be a 200 with "
        + "Content-Type `%s` and a body that starts as %s does. Per arm and repeat: a freshly restarted kube-apiserver, a "
        + "fresh Breakwater/kubectl proxy, one warm-up LIST, then the measured rounds.",
        objects, rounds, CONCURRENT, PATH + rep.query(), rep.accept(), rep.contentType(), rep.label()));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, true)) {
          runArm(ctx, arm, repeat, rounds);
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "configmaps");
    }
  }

  void runArm(BenchContext ctx, Arm arm, int repeat, int rounds) throws Exception {
    ctx.freshApiServer();
    try (ArmHandle h = ctx.open(arm, id.toLowerCase(Locale.ROOT))) {
      long bwBefore = h.breakwaterPid().map(Proc::rssBytes).orElse(0L);
      Lists.Counted warm = Lists.countedUntilOk(h.endpoint(), PATH, rep, LIST_KIND, Duration.ofSeconds(120));
      long bwAfter = h.breakwaterPid().map(Proc::rssBytes).orElse(0L);
      if (!ctx.config().smoke()) {
        BenchContext.sleep(Duration.ofSeconds(1));
      }

      Histogram latency = Latency.histogram();
      long bytes = 0;
      ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
      long start = System.nanoTime();
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int round = 0; round < rounds; round++) {
          List<Future<Lists.Counted>> fs = new ArrayList<>();
          for (int i = 0; i < CONCURRENT; i++) {
            fs.add(ex.submit(() -> Lists.counted(h.endpoint(), PATH, rep, LIST_KIND, Duration.ofMinutes(10))));
          }
          for (Future<Lists.Counted> f : fs) {
            Lists.Counted c = f.get();
            bytes += c.bytes();
            Latency.recordNanos(latency, c.nanos());
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      ResourceTrace trace = sampler.end();

      Results r = ctx.results();
      double gb = bytes / 1e9;
      r.put(throughput, arm, repeat, bytes / 1e6 / seconds);
      r.put(extraRss, arm, repeat, trace.totalPeakIncrease() / 1048576.0);
      r.put(cpuPerGb, arm, repeat, trace.totalCpuSeconds() / gb);
      r.put(rssApiserver, arm, repeat, trace.peakIncrease("kube-apiserver") / 1048576.0);
      r.put(rssEtcd, arm, repeat, trace.peakIncrease("etcd") / 1048576.0);
      r.put(cpuApiserver, arm, repeat, trace.cpuSeconds("kube-apiserver") / gb);
      if (trace.has("breakwater")) {
        r.put(rssBreakwater, arm, repeat, trace.peakIncrease("breakwater") / 1048576.0);
        r.put(cpuProxy, arm, repeat, trace.cpuSeconds("breakwater") / gb);
        r.put(cacheFill, arm, repeat, (bwAfter - bwBefore) / 1048576.0);
      }
      if (trace.has("kubectl-proxy")) {
        r.put(rssKubectl, arm, repeat, trace.peakIncrease("kubectl-proxy") / 1048576.0);
        r.put(cpuProxy, arm, repeat, trace.cpuSeconds("kubectl-proxy") / gb);
      }
      r.put(p50, arm, repeat, Latency.percentileMs(latency, 50) / 1000);
      r.put(pmax, arm, repeat, latency.getMaxValue() / 1e6);
      r.put(listMb, arm, repeat, warm.bytes() / 1e6);
      r.rss(id.toLowerCase(Locale.ROOT) + "-rss.png", id + ": RSS of each serving process during the measured LIST rounds "
          + "(first repeat)", arm, trace);
      ctx.log().info("%s %s #%d: %s in %.1f s = %.0f MB/s, extra RSS %s, CPU %.1f s", id, arm, repeat, Format.bytes(bytes), seconds,
          bytes / 1e6 / seconds, Format.bytes(trace.totalPeakIncrease()), trace.totalCpuSeconds());
    }
  }
}
