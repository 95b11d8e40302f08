package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.ListSummary;
import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.JvmHeap;
import dev.breakwater.bench.measure.Proc;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Format;
import dev.breakwater.bench.report.Target;
import java.time.Duration;

/**
 * S7, heap per cached object in a running Breakwater: live heap (after a full GC) with the
 * ConfigMaps cache filled minus before it started, against the JSON size of the objects it holds
 * (summed item by item from a LIST). Breakwater only: the other arms cache nothing.
 */
public final class S7HeapPerObject implements Scenario {

  static final String NS = "bench-s7";
  /** Sizes cycle through these (bytes of JSON): small and mid-sized objects, as a cluster's ConfigMaps are. */
  static final int[] SIZES = {600, 1200, 2000, 3500, 6000, 1500, 900, 2500};

  static final Figure RATIO = new Figure("S7", "heap-per-json", "heap held by the cache / JSON size of the objects", "×",
      new Target.AtMost(1.3, "×"));
  static final Figure HEAP = new Figure("S7", "heap", "heap held by the cache", "MB");
  static final Figure JSON = new Figure("S7", "json", "JSON size of the cached objects", "MB");
  static final Figure RSS = new Figure("S7", "rss", "breakwater RSS growth while filling", "MB");
  static final Figure PER_OBJECT = new Figure("S7", "heap-per-object", "heap per cached object", "bytes");

  @Override
  public String id() {
    return "S7";
  }

  @Override
  public String title() {
    return "heap per cached object vs its JSON size";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    if (!ctx.config().arms().contains(Arm.BREAKWATER)) {
      ctx.results().note("S7", "Skipped: the breakwater arm is not selected.");
      return;
    }
    int objects = ctx.config().count(5_000, 50);
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    TestData.create(ctx.cluster().admin(), NS, "configmaps", objects, i -> SIZES[i % SIZES.length], 8);
    try {
      // Everything the configmaps cache will hold (all namespaces), item by item, as the apiserver encodes it.
      ListSummary all = Lists.untilOk(ctx.cluster().admin(), "/api/v1/configmaps?resourceVersion=0", Duration.ofSeconds(60));
      ctx.results().note("S7", String.format("%d ConfigMaps of 0.6–6 KB in `%s` (%d in all namespaces, %s of JSON as items). "
          + "A fresh Breakwater: live heap (`jcmd GC.class_histogram` total after its full GC) before and after one `LIST /api/v1/configmaps?resourceVersion=0` "
          + "started and filled the cache. Breakwater only.", objects, NS, all.items(), Format.bytes(all.itemBytes())));
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        try (ArmHandle h = ctx.open(Arm.BREAKWATER, "s7")) {
          long pid = h.breakwaterPid().orElseThrow();
          long heap0 = JvmHeap.liveBytes(pid);
          long rss0 = Proc.rssBytes(pid);
          ListSummary through = Lists.untilOk(h.endpoint(), "/api/v1/configmaps?resourceVersion=0", Duration.ofSeconds(120));
          long heap1 = JvmHeap.liveBytes(pid);
          long rss1 = Proc.rssBytes(pid);
          double cached = JvmHeap.metrics(h.admin().orElseThrow()).sum("breakwater_cache_objects",
              s -> s.label("resource").equals("configmaps"));
          long held = heap1 - heap0;
          var r = ctx.results();
          r.put(RATIO, Arm.BREAKWATER, repeat, held / (double) all.itemBytes());
          r.put(HEAP, Arm.BREAKWATER, repeat, held / 1e6);
          r.put(JSON, Arm.BREAKWATER, repeat, all.itemBytes() / 1e6);
          r.put(RSS, Arm.BREAKWATER, repeat, (rss1 - rss0) / 1e6);
          r.put(PER_OBJECT, Arm.BREAKWATER, repeat, held / (double) Math.max(1, through.items()));
          ctx.log().info("S7 #%d: %d objects (cache says %.0f), JSON %s, heap +%s = %.3f×", repeat, through.items(), cached,
              Format.bytes(all.itemBytes()), Format.bytes(held), held / (double) all.itemBytes());
          if (through.items() != all.items() || (long) cached != all.items()) {
            r.note("S7", "**Warning:** object counts differ: direct LIST " + all.items() + ", LIST through Breakwater "
                + through.items() + ", breakwater_cache_objects " + (long) cached + " (repeat " + repeat + ")");
          }
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "configmaps");
    }
  }
}
