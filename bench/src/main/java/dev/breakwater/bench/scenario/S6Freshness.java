package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.FixedRate;
import dev.breakwater.bench.measure.JvmHeap;
import dev.breakwater.bench.measure.Latency;
import dev.breakwater.bench.measure.PromText;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Target;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * S6, consistent-LIST freshness: LISTs with resourceVersion unset (the apiserver's "consistent
 * read") of a quiet collection at a fixed rate while a writer changes something else at
 * 100 writes/s — another resource (Secrets), or the same resource in another namespace. The
 * latency of those LISTs is their wait for freshness plus a small collection's serving time.
 */
public final class S6Freshness implements Scenario {

  static final String NS = "bench-s6";
  static final String WRITES_NS = "bench-s6-writes";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/configmaps";
  static final double WRITES_PER_SECOND = 100;
  static final double LIST_RATE = 10;
  static final int WRITE_OBJECTS = 20;

  /** Where the writes go. */
  enum Elsewhere {
    OTHER_RESOURCE("secrets", "writes to another resource (Secrets)"),
    SAME_RESOURCE("configmaps", "writes to ConfigMaps in another namespace");

    final String resource;
    final String label;

    Elsewhere(String resource, String label) {
      this.resource = resource;
      this.label = label;
    }

    Figure p50() {
      return new Figure("S6", "p50-" + name(), "consistent LIST latency p50, " + label, "ms");
    }

    Figure p99() {
      return new Figure("S6", "p99-" + name(), "consistent LIST latency p99, " + label, "ms", new Target.AtMost(100, "ms"));
    }

    Figure max() {
      return new Figure("S6", "max-" + name(), "consistent LIST latency max, " + label, "ms");
    }

    Figure upstream() {
      return new Figure("S6", "upstream-" + name(), "breakwater: LISTs passed upstream after the 3 s wait, " + label, "");
    }
  }

  @Override
  public String id() {
    return "S6";
  }

  @Override
  public String title() {
    return "consistent LIST freshness under 100 writes/s elsewhere";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    var admin = ctx.cluster().admin();
    TestData.ensureNamespace(admin, NS);
    TestData.ensureNamespace(admin, WRITES_NS);
    TestData.create(admin, NS, "configmaps", 100, i -> 1024, 8);
    for (Elsewhere e : Elsewhere.values()) {
      TestData.create(admin, WRITES_NS, e.resource, WRITE_OBJECTS, i -> 512, 8);
    }
    ctx.results().note("S6", String.format("`GET %s` (resourceVersion unset: a consistent read; 100 ConfigMaps of ~1 KB, no "
        + "writes to them) at %.0f/s for %d s, open-loop, while a writer sends %.0f JSON merge patches/s straight to the "
        + "apiserver to %d objects elsewhere. Breakwater's documented known gap: a quiet resource's consistent read waits "
        + "for the apiserver's progress bookmark (~1 s). Writes to ConfigMaps in another namespace are the control, run in "
        + "the first repeat only.", COLLECTION, LIST_RATE, ctx.phase().toSeconds(), WRITES_PER_SECOND,
        WRITE_OBJECTS));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Elsewhere where : Elsewhere.values()) {
          // Writes to the same resource are the control (the cache sees them as events): first repeat only.
          if (where == Elsewhere.SAME_RESOURCE && repeat > 1) {
            continue;
          }
          for (Arm arm : ctx.armsFor(repeat, true)) {
            runArm(ctx, arm, where, repeat);
          }
        }
      }
    } finally {
      TestData.deleteAll(admin, NS, "configmaps");
      for (Elsewhere e : Elsewhere.values()) {
        TestData.deleteAll(admin, WRITES_NS, e.resource);
      }
    }
  }

  void runArm(BenchContext ctx, Arm arm, Elsewhere where, int repeat) throws Exception {
    try (ArmHandle h = ctx.open(arm, "s6")) {
      Lists.untilOk(h.endpoint(), COLLECTION + "?resourceVersion=0", Duration.ofSeconds(60));
      Lists.untilOk(h.endpoint(), COLLECTION, Duration.ofSeconds(60));
      double upstream0 = upstreamLists(h);
      // Values never written before in this cluster: a merge patch that changes nothing is no write.
      AtomicLong seq = new AtomicLong(System.nanoTime());
      FixedRate.Result lists;
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        // The writer starts a second before the LISTs and stops a second after them.
        Future<FixedRate.Result> writer = ex.submit(() -> FixedRate.run(WRITES_PER_SECOND, ctx.phase().plusSeconds(2), due -> {
          long k = seq.getAndIncrement();
          TestData.patch(ctx.cluster().admin(), WRITES_NS, where.resource, TestData.name((int) Math.floorMod(k, WRITE_OBJECTS)),
              "{\"data\":{\"seq\":\"" + java.util.Base64.getEncoder().encodeToString(Long.toString(k).getBytes()) + "\"}}");
          return System.nanoTime();
        }));
        Thread.sleep(1000);
        lists = FixedRate.run(LIST_RATE, ctx.phase(), due -> {
          Lists.counted(h.endpoint(), COLLECTION, Duration.ofSeconds(30));
          return System.nanoTime();
        });
        writer.get();
      }
      var r = ctx.results();
      r.put(where.p50(), arm, repeat, Latency.percentileMs(lists.latency(), 50));
      r.put(where.p99(), arm, repeat, Latency.percentileMs(lists.latency(), 99));
      r.put(where.max(), arm, repeat, lists.latency().getMaxValue() / 1000.0);
      if (arm == Arm.BREAKWATER) {
        r.put(where.upstream(), arm, repeat, upstreamLists(h) - upstream0);
      }
      r.latency("s6-" + where.name().toLowerCase().replace('_', '-') + ".png", "S6: consistent LIST latency, "
          + where.label + " (all repeats)", arm, lists.latency());
      if (lists.failed() > 0) {
        r.note("S6", "**Warning:** " + lists.failed() + " LISTs via " + arm + " failed (repeat " + repeat + "): "
            + lists.firstFailure());
      }
      ctx.log().info("S6 %s %s #%d: consistent LIST p50 %.1f ms p99 %.1f ms max %.1f ms", arm, where.label, repeat,
          Latency.percentileMs(lists.latency(), 50), Latency.percentileMs(lists.latency(), 99),
          lists.latency().getMaxValue() / 1000.0);
    }
  }

  static double upstreamLists(ArmHandle h) throws Exception {
    if (h.admin().isEmpty()) {
      return 0;
    }
    PromText m = JvmHeap.metrics(h.admin().get());
    return m.sum("breakwater_requests_total", s -> s.label("verb").equals("list") && s.label("resource").equals("configmaps")
        && s.label("served").equals("upstream"));
  }
}
