package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.client.FanOutWatches;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.FixedRate;
import dev.breakwater.bench.measure.JvmHeap;
import dev.breakwater.bench.measure.Latency;
import dev.breakwater.bench.measure.Proc;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.measure.UpstreamCounts;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Target;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * S4, watch fan-out: many watchers of one collection while a writer changes its objects at a
 * fixed rate. Delivery delay = the time a watcher received an event minus the time the write that
 * made it was acknowledged to the writer (both on this JVM's clock; an event that beats its
 * acknowledgement counts as 0). Writes always go straight to the apiserver, in every arm.
 */
public final class S4WatchFanOut implements Scenario {

  static final String NS = "bench-s4";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/configmaps";
  static final int OBJECTS = 50;

  static final Figure P50 = new Figure("S4", "delay-p50", "delivery delay p50 (write acknowledged → event received)", "ms");
  static final Figure P99 = new Figure("S4", "delay-p99", "delivery delay p99", "ms", new Target.DirectPlus(20, "ms"));
  static final Figure P999 = new Figure("S4", "delay-p999", "delivery delay p99.9", "ms");
  static final Figure UPSTREAM_WATCHES = new Figure("S4", "upstream-watches", "upstream WATCHes open on configmaps for the watchers", "");
  static final Figure HEAP_PER_WATCHER = new Figure("S4", "heap-per-watcher", "breakwater heap per idle watcher (after full GC)", "KB",
      new Target.AtMost(20, "KB"));
  static final Figure RSS_PER_WATCHER = new Figure("S4", "rss-per-watcher", "RSS per idle watcher, all serving processes", "KB");
  static final Figure MISSING = new Figure("S4", "missing", "events not delivered (all watchers)", "");
  static final Figure WRITE_RATE = new Figure("S4", "write-rate", "writes acknowledged per second", "/s");
  static final Figure SERVING_CPU = new Figure("S4", "serving-cpu", "CPU of all serving processes while writing", "cores");
  static final Figure PROXY_CPU = new Figure("S4", "proxy-cpu", "CPU of breakwater / kubectl proxy while writing", "cores");
  static final Figure HARNESS_CPU = new Figure("S4", "harness-cpu", "harness (clients + writer) CPU while writing", "cores");

  @Override
  public String id() {
    return "S4";
  }

  @Override
  public String title() {
    return "watch fan-out: many watchers, a steady stream of writes";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    // 1000 watchers × 10 writes/s at scale 1; the 1000 × 100/s is --scale 10. On 2 shared cores,
    // 100 000 events/s saturated every arm (the apiserver closed 999 of 1000 watchers as too slow).
    int watchers = (int) Math.max(10, Math.round(1000 * Math.min(1, ctx.config().scale())));
    double writesPerSecond = Math.min(100, 10 * Math.max(1, ctx.config().scale()));
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    TestData.create(ctx.cluster().admin(), NS, "configmaps", OBJECTS, i -> 256, 8);
    ctx.results().note("S4", String.format("%d watchers (`WATCH ?resourceVersion=<RV of a LIST>&allowWatchBookmarks=true`, "
        + "one HTTP/1.1 connection each, read by a Vert.x client on two event loops that scans each line for its type and resourceVersion) on %d small ConfigMaps; a writer sends JSON merge patches straight to the "
        + "apiserver at %.0f/s for %d s (the issue's 100/s is `--scale 10`: at 1000 × 100 events/s this 2-core machine "
        + "saturated in every arm). Idle cost: live heap (`jcmd GC.class_histogram` total: reachable bytes after a full GC) and RSS with the "
        + "watchers connected minus before, divided by the watcher count.", watchers, OBJECTS, writesPerSecond,
        ctx.phase().toSeconds()));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, true)) {
          runArm(ctx, arm, repeat, watchers, writesPerSecond);
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "configmaps");
    }
  }

  void runArm(BenchContext ctx, Arm arm, int repeat, int n, double writesPerSecond) throws Exception {
    try (ArmHandle h = ctx.open(arm, "s4")) {
      String rv = Lists.untilOk(h.endpoint(), COLLECTION + "?resourceVersion=0", Duration.ofSeconds(60)).resourceVersion();
      long heap0 = heap(h);
      long rss0 = rss(h);
      long upstream0 = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps").watchesOpen();

      try (FanOutWatches watches = new FanOutWatches(h.endpoint(), n)) {
        watches.open(COLLECTION + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=3600&resourceVersion=" + rv, n, 50);
        BenchContext.sleep(Duration.ofSeconds(2));
        long heap1 = heap(h);
        long rss1 = rss(h);
        long upstream1 = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps").watchesOpen();

        Map<Long, Long> acked = new ConcurrentHashMap<>();
        // Values never written before in this cluster: a merge patch that changes nothing makes no event.
        AtomicLong seq = new AtomicLong(System.nanoTime());
        long w0 = System.nanoTime();
        long cpu0 = Proc.cpuTicks(ProcessHandle.current().pid());
        ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(200));
        FixedRate.Result writes = FixedRate.run(writesPerSecond, ctx.phase(), due -> {
          long k = seq.getAndIncrement();
          long newRv = TestData.patch(ctx.cluster().admin(), NS, "configmaps", TestData.name((int) Math.floorMod(k, OBJECTS)),
              "{\"data\":{\"seq\":\"" + k + "\"}}");
          long now = System.nanoTime();
          acked.put(newRv, now);
          return now;
        });
        double writeSeconds = (System.nanoTime() - w0) / 1e9;
        ResourceTrace trace = sampler.end();
        double harnessCpu = Proc.cpuSeconds(Proc.cpuTicks(ProcessHandle.current().pid()) - cpu0);
        long lastRv = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline) && watches.received().stream().anyMatch(x -> x.last() < lastRv && !x.ended())) {
          Thread.sleep(100);
        }
        long ended = watches.received().stream().filter(FanOutWatches.Received::ended).count();

        Histogram delay = Latency.histogram();
        long missing = 0;
        for (FanOutWatches.Received x : watches.received()) {
          int matched = 0;
          int count = x.count();
          for (int i = 0; i < count; i++) {
            Long ack = acked.get(x.resourceVersion(i));
            if (ack != null) {
              matched++;
              Latency.recordNanos(delay, Math.max(0, x.receivedNanos(i) - ack));
            }
          }
          missing += acked.size() - matched;
        }
        var r = ctx.results();
        r.put(P50, arm, repeat, Latency.percentileMs(delay, 50));
        r.put(P99, arm, repeat, Latency.percentileMs(delay, 99));
        r.put(P999, arm, repeat, Latency.percentileMs(delay, 99.9));
        r.put(UPSTREAM_WATCHES, arm, repeat, upstream1 - upstream0);
        if (heap0 > 0) {
          r.put(HEAP_PER_WATCHER, arm, repeat, (heap1 - heap0) / 1000.0 / n);
        }
        r.put(RSS_PER_WATCHER, arm, repeat, (rss1 - rss0) / 1000.0 / n);
        r.put(MISSING, arm, repeat, missing);
        r.put(WRITE_RATE, arm, repeat, acked.size() / writeSeconds);
        r.put(HARNESS_CPU, arm, repeat, harnessCpu / writeSeconds);
        r.put(SERVING_CPU, arm, repeat, trace.totalCpuSeconds() / trace.seconds());
        for (String proxy : List.of("breakwater", "kubectl-proxy")) {
          if (trace.has(proxy)) {
            r.put(PROXY_CPU, arm, repeat, trace.cpuSeconds(proxy) / trace.seconds());
          }
        }
        r.latency("s4-delivery.png", "S4: watch event delivery delay, " + n + " watchers, "
            + (int) writesPerSecond + " writes/s (all repeats)", arm, delay);
        ctx.log().info("S4 %s #%d: %d watchers, %d writes (%d failed), delay p50 %.1f ms p99 %.1f ms, upstream watches +%d, "
                + "missing %d, harness %.2f cores%s", arm, repeat, n, acked.size(), writes.failed(), Latency.percentileMs(delay, 50),
            Latency.percentileMs(delay, 99), upstream1 - upstream0, missing, harnessCpu / writeSeconds,
            heap0 > 0 ? String.format(", heap/watcher %.1f KB", (heap1 - heap0) / 1000.0 / n) : "");
        if (writes.failed() > 0) {
          r.note("S4", "**Warning:** " + writes.failed() + " writes failed during the " + arm + " run (repeat " + repeat
              + "), first: " + writes.firstFailure());
        }
        if (ended > 0) {
          r.note("S4", "**Warning:** " + ended + " watches via " + arm + " ended early (repeat " + repeat + ")");
        }
      }
    }
  }

  static long heap(ArmHandle h) throws IOException, InterruptedException {
    if (h.breakwaterPid().isEmpty() || h.admin().isEmpty()) {
      return 0;
    }
    return JvmHeap.liveBytes(h.breakwaterPid().get());
  }

  static long rss(ArmHandle h) {
    return h.orderedPids().values().stream().mapToLong(Proc::rssBytes).sum();
  }
}
