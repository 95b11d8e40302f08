package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Lists;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * S1, the streaming-encoding benchmark at small scale: 10 concurrent {@code RV=0} JSON LISTs of
 * one large collection (ConfigMaps of ~100 KB), repeated for a few rounds.
 *
 * <p>Per arm: the apiserver is restarted (a fresh process, whose watch cache then holds the data),
 * the arm started, one warm-up LIST sent through it (it fills Breakwater's cache, so both arms
 * serve from a warm in-memory cache), then the measured rounds. Extra RSS is each serving
 * process's peak during the rounds minus its RSS just before them.
 */
public final class S1BigList implements Scenario {

  static final String NS = "bench-s1";
  static final String PATH = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0";
  static final int CONCURRENT = 10;
  static final int OBJECT_BYTES = 100 * 1024;

  static final Figure THROUGHPUT = new Figure("S1", "throughput", "bytes served per second, 10 concurrent LISTs", "MB/s",
      new Target.RatioAtLeast(3));
  static final Figure EXTRA_RSS = new Figure("S1", "extra-rss", "extra RSS, all serving processes (peak − before)", "MiB",
      new Target.RatioAtMost(0.1));
  static final Figure CPU_PER_GB = new Figure("S1", "cpu-per-gb", "CPU per GB served, all serving processes", "CPU-s/GB",
      new Target.RatioAtMost(0.5));
  static final Figure RSS_APISERVER = new Figure("S1", "rss-apiserver", "kube-apiserver peak RSS increase", "MiB");
  static final Figure RSS_ETCD = new Figure("S1", "rss-etcd", "etcd peak RSS increase", "MiB");
  static final Figure RSS_BREAKWATER = new Figure("S1", "rss-breakwater", "breakwater peak RSS increase", "MiB");
  static final Figure RSS_KUBECTL = new Figure("S1", "rss-kubectl-proxy", "kubectl proxy peak RSS increase", "MiB");
  static final Figure CPU_APISERVER = new Figure("S1", "cpu-apiserver", "kube-apiserver CPU per GB", "CPU-s/GB");
  static final Figure CPU_PROXY = new Figure("S1", "cpu-proxy", "breakwater / kubectl proxy CPU per GB", "CPU-s/GB");
  static final Figure P50 = new Figure("S1", "latency-p50", "LIST latency p50", "s");
  static final Figure PMAX = new Figure("S1", "latency-max", "LIST latency max", "s");
  static final Figure LIST_MB = new Figure("S1", "list-size", "bytes per LIST (same data in every arm)", "MB");
  static final Figure CACHE_FILL = new Figure("S1", "cache-fill-rss", "breakwater RSS growth while its cache filled (warm-up)", "MiB");

  @Override
  public String id() {
    return "S1";
  }

  @Override
  public String title() {
    return "big LIST: 10 concurrent RV=0 JSON LISTs of a large collection";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    Results results = ctx.results();
    int objects = ctx.config().count(500, 4);
    int rounds = ctx.config().smoke() ? 1 : 2;
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    long t0 = System.nanoTime();
    TestData.create(ctx.cluster().admin(), NS, "configmaps", objects, i -> OBJECT_BYTES, 8);
    ctx.log().info("S1: created %d ConfigMaps of ~100 KB in %.1f s", objects, (System.nanoTime() - t0) / 1e9);
    results.note("S1", String.format("%d ConfigMaps of ~100 KB (random base64) in one namespace; %d rounds of %d concurrent "
        + "`GET %s` (Accept: application/json, no gzip, HTTP/1.1), bodies counted and dropped. Per arm and repeat: a "
        + "freshly restarted kube-apiserver, a fresh Breakwater/kubectl proxy, one warm-up LIST, then the measured rounds.",
        objects, rounds, CONCURRENT, PATH));
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
    try (ArmHandle h = ctx.open(arm, "s1")) {
      long bwBefore = h.breakwaterPid().map(Proc::rssBytes).orElse(0L);
      var warm = Lists.untilOk(h.endpoint(), PATH, Duration.ofSeconds(120));
      long bwAfter = h.breakwaterPid().map(Proc::rssBytes).orElse(0L);
      BenchContext.sleep(Duration.ofSeconds(1));

      Histogram latency = Latency.histogram();
      long bytes = 0;
      ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
      long start = System.nanoTime();
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int round = 0; round < rounds; round++) {
          List<Future<Lists.Counted>> fs = new ArrayList<>();
          for (int i = 0; i < CONCURRENT; i++) {
            fs.add(ex.submit(() -> Lists.counted(h.endpoint(), PATH, Duration.ofMinutes(10))));
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
      r.put(THROUGHPUT, arm, repeat, bytes / 1e6 / seconds);
      r.put(EXTRA_RSS, arm, repeat, trace.totalPeakIncrease() / 1048576.0);
      r.put(CPU_PER_GB, arm, repeat, trace.totalCpuSeconds() / gb);
      r.put(RSS_APISERVER, arm, repeat, trace.peakIncrease("kube-apiserver") / 1048576.0);
      r.put(RSS_ETCD, arm, repeat, trace.peakIncrease("etcd") / 1048576.0);
      r.put(CPU_APISERVER, arm, repeat, trace.cpuSeconds("kube-apiserver") / gb);
      if (trace.has("breakwater")) {
        r.put(RSS_BREAKWATER, arm, repeat, trace.peakIncrease("breakwater") / 1048576.0);
        r.put(CPU_PROXY, arm, repeat, trace.cpuSeconds("breakwater") / gb);
        r.put(CACHE_FILL, arm, repeat, (bwAfter - bwBefore) / 1048576.0);
      }
      if (trace.has("kubectl-proxy")) {
        r.put(RSS_KUBECTL, arm, repeat, trace.peakIncrease("kubectl-proxy") / 1048576.0);
        r.put(CPU_PROXY, arm, repeat, trace.cpuSeconds("kubectl-proxy") / gb);
      }
      r.put(P50, arm, repeat, Latency.percentileMs(latency, 50) / 1000);
      r.put(PMAX, arm, repeat, latency.getMaxValue() / 1e6);
      r.put(LIST_MB, arm, repeat, warm.bytes() / 1e6);
      r.rss("s1-rss.png", "S1: RSS of each serving process during the measured LIST rounds (first repeat)", arm, trace);
      ctx.log().info("S1 %s #%d: %s in %.1f s = %.0f MB/s, extra RSS %s, CPU %.1f s", arm, repeat, Format.bytes(bytes), seconds,
          bytes / 1e6 / seconds, Format.bytes(trace.totalPeakIncrease()), trace.totalCpuSeconds());
    }
  }
}
