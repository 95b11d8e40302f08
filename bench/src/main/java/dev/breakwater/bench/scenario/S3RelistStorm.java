package dev.breakwater.bench.scenario;

import dev.breakwater.bench.client.TestData;
import dev.breakwater.bench.client.Reflector;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.ArmHandle;
import dev.breakwater.bench.measure.ResourceSampler;
import dev.breakwater.bench.measure.ResourceTrace;
import dev.breakwater.bench.measure.UpstreamCounts;
import dev.breakwater.bench.report.Figure;
import dev.breakwater.bench.report.Target;
import java.time.Duration;
import java.util.List;

/**
 * S3, a relist storm: 200 informers (LIST RV=0 + WATCH, as fabric8's and client-go's without
 * WatchListClient) on one resource sync, then all restart together — their watches close and
 * every one lists and watches again at the same instant, as after a controller fleet restart.
 * Upstream requests come from the apiserver's own metrics; upstream CPU from /proc.
 */
public final class S3RelistStorm implements Scenario {

  static final String NS = "bench-s3";
  static final String COLLECTION = "/api/v1/namespaces/" + NS + "/configmaps";

  static final Figure LISTS_TOTAL = new Figure("S3", "upstream-lists-total",
      "upstream LIST requests, whole run (first sync + restart)", "", new Target.AtMost(1, ""));
  static final Figure WATCHES_TOTAL = new Figure("S3", "upstream-watches-total",
      "upstream WATCH requests opened, whole run (first sync + restart)", "", new Target.AtMost(1, ""));
  static final Figure LISTS_STORM = new Figure("S3", "upstream-lists-storm", "upstream LIST requests during the restart", "");
  static final Figure WATCHES_STORM = new Figure("S3", "upstream-watches-storm", "upstream WATCH requests opened during the restart", "");
  static final Figure CPU_STORM = new Figure("S3", "upstream-cpu-storm", "upstream CPU during the restart (kube-apiserver + etcd)", "CPU-s");
  static final Figure CPU_ALL_STORM = new Figure("S3", "cpu-storm", "CPU during the restart, all serving processes", "CPU-s");
  static final Figure REVIEWS_STORM = new Figure("S3", "auth-reviews-per-request",
      "delegated auth: upstream TokenReview + SubjectAccessReview per client request during the restart (warm decision cache, positive TTLs " + dev.breakwater.bench.env.Arms.DELEGATED_TTL + ")",
      "", new Target.AtMost(0.05, ""), Arm.BREAKWATER_DELEGATED);
  static final Figure RESYNC = new Figure("S3", "resync", "time until all informers synced again", "s");

  @Override
  public String id() {
    return "S3";
  }

  @Override
  public String title() {
    return "relist storm: 200 informers on one resource restart together";
  }

  @Override
  public void run(BenchContext ctx) throws Exception {
    int informers = ctx.config().count(200, 4);
    int objects = ctx.config().count(200, 10);
    TestData.ensureNamespace(ctx.cluster().admin(), NS);
    TestData.create(ctx.cluster().admin(), NS, "configmaps", objects, i -> 1024, 8);
    ctx.results().note("S3", String.format("%d ConfigMaps of ~1 KB; %d reflectors (WatchListClient off: `LIST ?limit=500&"
        + "resourceVersion=0` + `WATCH`) sync, then all close their watches and list+watch again at once. Upstream counts "
        + "are for `configmaps` only: LIST = `apiserver_request_total{verb=\"LIST\"}` delta, WATCH opened = ended + "
        + "still open. A fresh Breakwater per run (its cache starts on the first informer's LIST). breakwater-delegated: "
        + "`--auth=delegated` over TLS, each request with one of " + dev.breakwater.bench.env.BenchCluster.USERS + " users' "
        + "tokens in turn; reviews per request = TokenReview + SubjectAccessReview requests the apiserver counted during the "
        + "restart ÷ the restart's 2 × informers client requests (the first sync warmed the decision cache). breakwater-tls: "
        + "`--auth=none` on the same TLS listener (the control for TLS).", objects, informers));
    try {
      for (int repeat = 1; repeat <= ctx.repeats(); repeat++) {
        for (Arm arm : ctx.armsFor(repeat, true, true)) {
          runArm(ctx, arm, repeat, informers);
        }
      }
    } finally {
      TestData.deleteAll(ctx.cluster().admin(), NS, "configmaps");
    }
  }

  void runArm(BenchContext ctx, Arm arm, int repeat, int n) throws Exception {
    try (ArmHandle h = ctx.open(arm, "s3")) {
      UpstreamCounts start = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps");
      Informers first = new Informers(h.endpoint(), COLLECTION, Reflector.Mode.LIST_WATCH, n);
      UpstreamCounts beforeStorm;
      long reviewsBefore;
      ResourceSampler sampler;
      try {
        first.syncAll();
        BenchContext.sleep(Duration.ofSeconds(1));
        beforeStorm = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps");
        reviewsBefore = UpstreamCounts.reviews(ctx.cluster().admin());
        sampler = ResourceSampler.begin(h.orderedPids(), Duration.ofMillis(100));
      } finally {
        first.close();
      }
      List<Informers.Sync> syncs;
      try (Informers again = new Informers(h.endpoint(), COLLECTION, Reflector.Mode.LIST_WATCH, n)) {
        syncs = again.syncAll();
        BenchContext.sleep(Duration.ofSeconds(1));
        ResourceTrace trace = sampler.end();
        UpstreamCounts end = UpstreamCounts.scrape(ctx.cluster().admin(), "configmaps");
        UpstreamCounts storm = end.minus(beforeStorm);
        UpstreamCounts total = end.minus(start);
        var r = ctx.results();
        r.put(LISTS_TOTAL, arm, repeat, total.lists());
        r.put(WATCHES_TOTAL, arm, repeat, total.watchesOpened());
        r.put(LISTS_STORM, arm, repeat, storm.lists());
        r.put(WATCHES_STORM, arm, repeat, storm.watchesOpened());
        r.put(CPU_STORM, arm, repeat, trace.cpuSeconds("kube-apiserver") + trace.cpuSeconds("etcd"));
        r.put(CPU_ALL_STORM, arm, repeat, trace.totalCpuSeconds());
        if (arm == Arm.BREAKWATER_DELEGATED) {
          // Client requests of the restart: each informer's LIST (one page: fewer than 500 objects) and WATCH.
          long reviews = UpstreamCounts.reviews(ctx.cluster().admin()) - reviewsBefore;
          r.put(REVIEWS_STORM, arm, repeat, reviews / (2.0 * n));
          ctx.log().info("S3 %s #%d: %d TokenReview + SubjectAccessReview requests for %d client requests", arm, repeat, reviews, 2 * n);
        }
        r.put(RESYNC, arm, repeat, syncs.stream().mapToLong(Informers.Sync::doneNanos).max().orElse(0) / 1e9);
        ctx.log().info("S3 %s #%d: %d informers; upstream whole run LIST %d WATCH %d, restart LIST %d WATCH %d, upstream CPU %.2f s",
            arm, repeat, n, total.lists(), total.watchesOpened(), storm.lists(), storm.watchesOpened(),
            trace.cpuSeconds("kube-apiserver") + trace.cpuSeconds("etcd"));
      }
    }
  }
}
