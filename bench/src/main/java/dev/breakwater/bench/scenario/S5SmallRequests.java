package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.ListSummary;
import dev.breakwater.bench.client.Lists;
import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.env.BenchCluster;
import dev.breakwater.bench.env.Endpoint;
import dev.breakwater.bench.measure.FixedRate;
import dev.breakwater.bench.measure.Latency;
import dev.breakwater.bench.measure.UpstreamCounts;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Target;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * S5, small requests at a fixed rate, all at once: GET of one object (resourceVersion unset — a
 * consistent read — and RV=0) and paginated LISTs ({@code limit=500}, RV unset, following the
 * continue tokens). Open-loop: latency counts from when a request was due.
 */
public final class S5SmallRequests implements Scenario {

  static final String NS = "bench-s5";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/configmaps";
  static final double GET_RATE = 50;
  static final double LIST_RATE = 5;

  static final Figure UPSTREAM_PER_REQUEST = new Figure("S5", "upstream-per-request",
      "upstream GET + LIST requests on configmaps per client request", "");

  static final Figure REVIEWS_PER_REQUEST = new Figure("S5", "auth-reviews-per-request",
      "delegated auth: upstream TokenReview + SubjectAccessReview per client request (warm decision cache, positive TTLs " + dev.breakwater.bench.env.Arms.DELEGATED_TTL + ")", "",
      new Target.AtMost(0.05, ""), Arm.BREAKWATER_DELEGATED);

  /** A request kind of this scenario. */
  enum Kind {
    GET("GET one object, RV unset"),
    GET_RV0("GET one object, RV=0"),
    LIST_FIRST("LIST limit=500, first page, RV unset"),
    LIST_NEXT("LIST limit=500, continue pages"),
    GET_RV0_SERIAL("GET one object, RV=0, back to back on one kept-alive connection");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    Figure p50() {
      return new Figure("S5", "p50-" + name(), label + ", p50", "ms", new Target.DirectPlus(0.3, "ms"));
    }

    /**
     * p50 of breakwater-delegated minus p50 of breakwater-tls (--auth=none on the same TLS listener)
     * in the same repeat: what authentication and authorization add, TLS left out.
     */
    Figure authAdded() {
      return new Figure("S5", "auth-p50-added-" + name(), label + ", p50 added by --auth=delegated over --auth=none, both on TLS", "ms",
          new Target.AtMost(0.2, "ms"), Arm.BREAKWATER_DELEGATED);
    }

    /** p50 of breakwater-tls minus p50 of breakwater (plain HTTP) in the same repeat: what TLS adds. */
    Figure tlsAdded() {
      return new Figure("S5", "tls-p50-added-" + name(), label + ", p50 added by TLS (--auth=none on TLS over plain HTTP)", "ms",
          new Target.None(), Arm.BREAKWATER_TLS);
    }

    /** p50 of breakwater-delegated minus p50 of breakwater (plain HTTP, --auth=none): TLS and auth together. */
    Figure delegatedAdded() {
      return new Figure("S5", "delegated-p50-added-" + name(), label + ", p50 added by --auth=delegated (TLS) over --auth=none (plain HTTP)",
          "ms", new Target.None(), Arm.BREAKWATER_DELEGATED);
    }

    Figure p99() {
      return new Figure("S5", "p99-" + name(), label + ", p99", "ms");
    }
  }

  @Override
  public String id() {
    return "S5";
  }

  @Override
  public String title() {
    return "small requests at a fixed rate: GET of one object, LIST pages of 500";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    // At least two pages of 500, so every run has continue pages.
    int objects = ctx.config().count(1200, 600);
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    TestData.create(ctx.cluster().admin(), NS, "configmaps", objects, i -> 1024, 8);
    ctx.results().note("S5", String.format("%d ConfigMaps of ~1 KB. For %d s at once: `GET …/configmaps/%s` at %.0f/s with "
        + "resourceVersion unset and %.0f/s with RV=0; page walks `?limit=500` (RV unset, then the continue tokens) at "
        + "%.0f/s. Open-loop: each request on its own virtual thread, latency from when it was due. No writes run "
        + "(the apiserver writes its own leases every ~10 s). breakwater-delegated: `--auth=delegated` over TLS, each "
        + "request with one of " + dev.breakwater.bench.env.BenchCluster.USERS + " users' tokens in turn (the warm-up "
        + "fills the decision cache). breakwater-tls: `--auth=none` on the same TLS listener, no credentials: the control "
        + "that separates TLS from auth. Added p50s are differences of medians in the same repeat: auth = delegated − tls, "
        + "TLS = tls − breakwater (plain HTTP). Every arm's client keeps its HTTP/1.1 connections alive (the JDK client's "
        + "pool, " + WARM_CONNECTIONS + " of them opened by the warm-up), so a request rarely pays a TLS handshake. Then "
        + SERIAL_REQUESTS + " GETs RV=0 back to back from one thread, on one kept-alive connection: the per-request cost "
        + "without queueing.", objects, ctx.phase().toSeconds(), TestData.name(0), GET_RATE,
        GET_RATE, LIST_RATE));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, true, true)) {
          runArm(ctx, arm, repeat);
        }
        for (Kind k : Kind.values()) {
          Double none = ctx.results().values(k.p50(), Arm.BREAKWATER).get(repeat);
          Double tls = ctx.results().values(k.p50(), Arm.BREAKWATER_TLS).get(repeat);
          Double delegated = ctx.results().values(k.p50(), Arm.BREAKWATER_DELEGATED).get(repeat);
          if (tls != null && delegated != null) {
            ctx.results().put(k.authAdded(), Arm.BREAKWATER_DELEGATED, repeat, delegated - tls);
          }
          if (none != null && tls != null) {
            ctx.results().put(k.tlsAdded(), Arm.BREAKWATER_TLS, repeat, tls - none);
          }
          if (none != null && delegated != null) {
            ctx.results().put(k.delegatedAdded(), Arm.BREAKWATER_DELEGATED, repeat, delegated - none);
          }
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "configmaps");
    }
  }

  void runArm(BenchContext ctx, Arm arm, int repeat) throws Exception {
    try (ArmHandle h = ctx.open(arm, "s5")) {
      Endpoint ep = h.endpoint();
      Lists.untilOk(ep, COLLECTION + "?resourceVersion=0", Duration.ofSeconds(60));
      String one = COLLECTION + "/" + TestData.name(0);
      // Warm-up: a few of each, unmeasured (connections, JIT, the cache's first consistent read).
      // The delegated arm's warm-up sends every user each kind of request (the tokens go round robin),
      // so its decision cache is warm when the measurement starts.
      boolean delegated = arm == Arm.BREAKWATER_DELEGATED;
      for (int i = 0; i < (delegated ? BenchCluster.USERS : 20); i++) {
        get(ep, one);
        get(ep, one + "?resourceVersion=0");
      }
      for (int i = 0; i < (delegated ? BenchCluster.USERS / 2 : 1); i++) { // at least 2 pages a walk
        walk(ep, Latency.concurrent());
      }
      // Open the connections the fixed-rate phase will keep alive, so that it does not pay TLS handshakes.
      openConnections(ep, one + "?resourceVersion=0", WARM_CONNECTIONS);

      ConcurrentHistogram next = Latency.concurrent();
      UpstreamCounts before = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps");
      long reviewsBefore = UpstreamCounts.reviews(ctx.cluster().admin());
      List<Callable<FixedRate.Result>> loads = List.of(
          () -> FixedRate.run(GET_RATE, ctx.phase(), due -> get(ep, one)),
          () -> FixedRate.run(GET_RATE, ctx.phase(), due -> get(ep, one + "?resourceVersion=0")),
          () -> FixedRate.run(LIST_RATE, ctx.phase(), due -> walk(ep, next)));
      List<FixedRate.Result> res = new ArrayList<>();
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<FixedRate.Result>> fs = new ArrayList<>();
        loads.forEach(l -> fs.add(ex.submit(l)));
        for (Future<FixedRate.Result> f : fs) {
          res.add(f.get());
        }
      }
      UpstreamCounts used = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps").minus(before);
      long reviews = UpstreamCounts.reviews(ctx.cluster().admin()) - reviewsBefore;
      long clientRequests = res.get(0).sent() + res.get(1).sent() + next.getTotalCount() + res.get(2).sent();
      var r = ctx.results();
      record(ctx, arm, repeat, Kind.GET, res.get(0).latency());
      record(ctx, arm, repeat, Kind.GET_RV0, res.get(1).latency());
      record(ctx, arm, repeat, Kind.LIST_FIRST, res.get(2).latency());
      record(ctx, arm, repeat, Kind.LIST_NEXT, next);
      r.put(UPSTREAM_PER_REQUEST, arm, repeat, (used.lists() + used.gets()) / (double) clientRequests);
      if (arm == Arm.BREAKWATER_DELEGATED) {
        r.put(REVIEWS_PER_REQUEST, arm, repeat, reviews / (double) clientRequests);
        ctx.log().info("S5 %s #%d: %d TokenReview + SubjectAccessReview requests for %d client requests", arm, repeat, reviews,
            clientRequests);
      }
      // Back to back on one kept-alive connection: the per-request cost without queueing or handshakes.
      record(ctx, arm, repeat, Kind.GET_RV0_SERIAL, serial(ep, one + "?resourceVersion=0", ctx.config().smoke() ? 50 : SERIAL_REQUESTS));
      long failed = res.stream().mapToLong(FixedRate.Result::failed).sum();
      if (failed > 0) {
        r.note("S5", "**Warning:** " + failed + " requests via " + arm + " failed (repeat " + repeat + "), first: "
            + res.stream().map(FixedRate.Result::firstFailure).filter(java.util.Objects::nonNull).findFirst().orElse("?"));
      }
      ctx.log().info("S5 %s #%d: GET p50 %.2f ms, GET RV=0 p50 %.2f ms, LIST page p50 %.2f ms (%d failed)", arm, repeat,
          Latency.percentileMs(res.get(0).latency(), 50), Latency.percentileMs(res.get(1).latency(), 50),
          Latency.percentileMs(res.get(2).latency(), 50), failed);
    }
  }

  static void record(BenchContext ctx, Arm arm, int repeat, Kind k, ConcurrentHistogram h) {
    ctx.results().put(k.p50(), arm, repeat, Latency.percentileMs(h, 50));
    ctx.results().put(k.p99(), arm, repeat, Latency.percentileMs(h, 99));
    ctx.results().latency("s5-" + k.name().toLowerCase().replace('_', '-') + ".png", "S5: " + k.label + " (all repeats)", arm, h);
  }

  /** Connections opened before the fixed-rate phase (more than it keeps in flight at once on a quiet machine). */
  static final int WARM_CONNECTIONS = 16;
  /** Requests of the back-to-back phase. */
  static final int SERIAL_REQUESTS = 2000;

  /** {@code n} requests at once, twice: the client's pool then holds about {@code n} open connections. */
  static void openConnections(Endpoint ep, String path, int n) throws Exception {
    for (int round = 0; round < 2; round++) {
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          fs.add(ex.submit(() -> get(ep, path)));
        }
        for (Future<Long> f : fs) {
          f.get();
        }
      }
    }
  }

  /** {@code n} GETs of {@code path}, one after the other from one thread (the client reuses one idle connection). */
  static ConcurrentHistogram serial(Endpoint ep, String path, int n) throws IOException, InterruptedException {
    ConcurrentHistogram h = Latency.concurrent();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      get(ep, path);
      Latency.recordNanos(h, System.nanoTime() - t0);
    }
    return h;
  }

  /** Returns the time the response was complete. */
  static long get(Endpoint ep, String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = ep.http().send(ep.request(path).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + " via " + ep.arm() + ": HTTP " + r.statusCode() + " " + new String(r.body()));
    }
    return System.nanoTime();
  }

  /** Walks all pages; returns when the first page was complete (the caller times it); continue pages go into {@code next}. */
  static long walk(Endpoint ep, ConcurrentHistogram next) throws IOException, InterruptedException {
    ListSummary page = Lists.summary(ep, COLLECTION + "?limit=500", Duration.ofSeconds(30));
    long firstDone = System.nanoTime();
    while (!page.continueToken().isEmpty()) {
      long t0 = System.nanoTime();
      page = Lists.summary(ep, COLLECTION + "?limit=500&continue=" + URLEncoder.encode(page.continueToken(), StandardCharsets.UTF_8),
          Duration.ofSeconds(30));
      Latency.recordNanos(next, System.nanoTime() - t0);
    }
    return firstDone;
  }
}
