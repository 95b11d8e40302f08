package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.Reflector;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.measure.UpstreamCounts;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Format;
import dev.breakwater.bench.report.Target;
import java.time.Duration;
import java.util.List;

/**
 * S2, the WatchList test scaled down: 16 informers on a collection of large Secrets start at once,
 * with WatchListClient off (LIST RV=0 + WATCH) and on (a WatchList stream).
 *
 * <p>Per arm, mode and repeat: a freshly restarted apiserver and a fresh Breakwater or kubectl
 * proxy. Breakwater runs twice: with its Secrets cache already filled when the storm starts
 * ({@code --cache-warm secrets}, the main rows: Breakwater serving before the informers restart),
 * and cold (the storm's first request starts the cache; the "cache cold" rows). The direct arm's
 * figures stand in both sets of rows, so each has its ratio.
 */
public final class S2InformerStorm implements Scenario {

  static final String NS = "bench-s2";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/secrets";
  static final int INFORMERS = 16;

  /** The figures of one (mode, cache state) combination. */
  record Figures(Figure syncAll, Figure syncMedian, Figure upstreamRss, Figure lists, Figure watches, Figure proxyRss) {
    static Figures of(Reflector.Mode m, boolean cold) {
      String k = m.name() + (cold ? "-cold" : "");
      String l = m.label() + (cold ? ", Breakwater cache cold" : "");
      return new Figures(
          new Figure("S2", "sync-all-" + k, "time until all 16 synced, " + l, "s"),
          new Figure("S2", "sync-median-" + k, "median time to sync, " + l, "s"),
          new Figure("S2", "upstream-rss-" + k, "kube-apiserver peak RSS increase, " + l, "MiB", new Target.RatioAtMost(0.2)),
          new Figure("S2", "upstream-lists-" + k, "upstream LIST requests, " + l, ""),
          new Figure("S2", "upstream-watches-" + k, "upstream WATCH requests opened, " + l, ""),
          new Figure("S2", "proxy-rss-" + k, "breakwater / kubectl proxy peak RSS increase, " + l, "MiB"));
    }

    Figure[] all() {
      return new Figure[] {syncAll, syncMedian, upstreamRss, lists, watches, proxyRss};
    }
  }

  @Override
  public String id() {
    return "S2";
  }

  @Override
  public String title() {
    return "informer storm: 16 informers on large Secrets start at once (the WatchList test)";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    // 200 × 128 KB at scale 1; the count grows to 400 (scale 2), then the size toward 1 MB (scale 16: 400 × 1 MB).
    int secrets = Math.min(400, ctx.config().count(200, 4));
    int kib = (int) Math.min(1024, Math.round(128 * Math.max(1, ctx.config().scale() / 2)));
    int bytes = kib * 1024;
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    long t0 = System.nanoTime();
    TestData.create(ctx.cluster().admin(), NS, "secrets", secrets, i -> bytes, 8);
    ctx.log().info("S2: created %d Secrets of ~%d KB in %.1f s", secrets, kib, (System.nanoTime() - t0) / 1e9);
    ctx.results().note("S2", String.format("%d Secrets of ~%d KB (%s) in one namespace; %d reflectors in raw HTTP released "
        + "together. WatchListClient off: `LIST ?limit=500&resourceVersion=0`, then `WATCH ?resourceVersion=<list RV>"
        + "&allowWatchBookmarks=true`. On: `WATCH ?sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
        + "&allowWatchBookmarks=true` until the `k8s.io/initial-events-end` bookmark. Synced = list read / bookmark "
        + "received. Each run: a freshly restarted kube-apiserver and a fresh Breakwater / kubectl proxy. Main rows: "
        + "Breakwater's Secrets cache filled before the storm (`--cache-warm secrets`); \"cache cold\" rows: its first "
        + "informer request starts the cache (first repeat only; direct figures repeated there for the ratio). `--scale 2` makes 400 Secrets, "
        + "`--scale 16` 400 × 1 MB (the Kubernetes WatchList test's size).", secrets, kib, Format.bytes((long) secrets * bytes), INFORMERS));
    for (Reflector.Mode mode : Reflector.Mode.values()) {
      ctx.results().declare(Figures.of(mode, false).all());
      ctx.results().declare(Figures.of(mode, true).all());
    }
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Reflector.Mode mode : Reflector.Mode.values()) {
          for (Arm arm : ctx.armsFor(repeat, true)) {
            runArm(ctx, arm, mode, repeat, secrets, false);
            // The cold runs, in the first repeat only: they cost as much as the rest of a repeat (smoke: one mode).
            if (arm == Arm.BREAKWATER && repeat == 1 && !(ctx.config().smoke() && mode == Reflector.Mode.WATCH_LIST)) {
              runArm(ctx, arm, mode, repeat, secrets, true);
            }
          }
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "secrets");
    }
  }

  void runArm(BenchContext ctx, Arm arm, Reflector.Mode mode, int repeat, int expected, boolean cold) throws Exception {
    ctx.freshApiServer();
    List<String> flags = arm == Arm.BREAKWATER && !cold ? List.of("--cache-warm", "secrets") : List.of();
    try (ArmHandle h = ctx.open(arm, "s2-" + mode.name().toLowerCase() + (cold ? "-cold" : ""), flags)) {
      if (arm == Arm.BREAKWATER && !cold) {
        // Served from the cache once it is ready (an RV=0 LIST waits for readiness); selects nothing, so costs nothing.
        Lists.untilOk(h.endpoint(), COLLECTION + "?resourceVersion=0&labelSelector=bench-none%3Dnone", Duration.ofSeconds(120));
        BenchContext.sleep(Duration.ofSeconds(1));
      }
      UpstreamCounts before = UpstreamCounts.scrape(ctx.cluster().admin(), "secrets");
      ResourceSampler sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
      List<Informers.Sync> syncs;
      try (Informers informers = new Informers(h.endpoint(), COLLECTION, mode, INFORMERS)) {
        syncs = informers.syncAll();
        BenchContext.sleep(Duration.ofMillis(500));
      }
      ResourceTrace trace = sampler.end();
      UpstreamCounts used = UpstreamCounts.scrape(ctx.cluster().admin(), "secrets").minus(before);

      double[] done = syncs.stream().mapToDouble(s -> s.doneNanos() / 1e9).sorted().toArray();
      var r = ctx.results();
      for (Figures f : arm == Arm.DIRECT ? List.of(Figures.of(mode, false), Figures.of(mode, true)) : List.of(Figures.of(mode, cold))) {
        r.put(f.syncAll(), arm, repeat, done[done.length - 1]);
        r.put(f.syncMedian(), arm, repeat, done[done.length / 2]);
        r.put(f.upstreamRss(), arm, repeat, trace.peakIncrease("kube-apiserver") / 1048576.0);
        r.put(f.lists(), arm, repeat, used.lists());
        r.put(f.watches(), arm, repeat, used.watchesOpened());
        for (String proxy : List.of("breakwater", "kubectl-proxy")) {
          if (trace.has(proxy)) {
            r.put(f.proxyRss(), arm, repeat, trace.peakIncrease(proxy) / 1048576.0);
          }
        }
      }
      if (!cold) {
        r.rss("s2-rss-" + mode.name().toLowerCase().replace('_', '-') + ".png",
            "S2: RSS during the informer storm, " + mode.label() + " (first repeat; Breakwater's cache warm)", arm, trace);
      }
      ctx.log().info("S2 %s%s %s #%d: all %d synced in %.2f s, apiserver +%s, upstream LIST %d WATCH %d",
          arm, cold ? " (cold)" : "", mode.label(), repeat, syncs.size(), done[done.length - 1],
          Format.bytes(trace.peakIncrease("kube-apiserver")), used.lists(), used.watchesOpened());
      if (syncs.stream().anyMatch(s -> s.synced().objects() != expected)) {
        ctx.results().note("S2", "**Warning:** informers via " + arm + (cold ? " (cold)" : "") + " (" + mode.label() + ", repeat "
            + repeat + ") synced object counts other than " + expected + ": "
            + syncs.stream().map(s -> s.synced().objects()).toList());
      }
    }
  }
}
