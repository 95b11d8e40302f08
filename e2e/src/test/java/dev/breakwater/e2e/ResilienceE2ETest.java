package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Etcd;
import dev.breakwater.e2e.support.EventGapChecker;
import dev.breakwater.e2e.support.FaultyTcpProxy;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.UpstreamMetrics;
import dev.breakwater.local.LocalCluster;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16, upstream faults: the event-gap checker ({@link EventGapChecker}: JSON and protobuf watchers, plain
 * and WatchList, with and without label selectors) through Breakwater with no fault, across two upstream
 * restarts, across restarts with etcd compacted while the apiserver is down and again once it is back, and
 * across a partition that makes Breakwater itself miss writes and relist. Every watcher must see every event of
 * its selection exactly once, in RV order, end in the upstream's state — and never be answered 410: Breakwater
 * keeps its history across the relist a restart forces on it, so watchers resuming from an RV before the relist
 * are served from it. Also: no relist storm upstream after a restart, read-your-writes across it, and what is
 * served during an outage (with {@code /readyz?verbose} and the outage metric).
 *
 * <p>Uses its own cluster (it restarts the apiserver); each scenario has its own namespace and its own
 * Breakwater (a fresh cache). Sizes: {@code -Dbreakwater.gap.watchers=200 -Dbreakwater.gap.writes=3000}.
 */
class ResilienceE2ETest {

  private static final Logger LOG = LoggerFactory.getLogger(ResilienceE2ETest.class);

  static final ObjectMapper JSON = new ObjectMapper();
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = Clusters.startPrivate(LocalCluster.builder());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Breakwater breakwater() {
    return Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
  }

  private EventGapChecker.Report run(String namespace, EventGapChecker.Options options, java.util.function.IntConsumer fault)
      throws Exception {
    try (Breakwater bw = breakwater();
         EventGapChecker checker = new EventGapChecker(cluster, bw.url(), namespace, options)) {
      checker.startWatchers();
      checker.startWriter(fault);
      checker.awaitWriter(Duration.ofMinutes(5));
      EventGapChecker.Report report = checker.report(Duration.ofSeconds(45));
      LOG.info("event-gap checker, {}: {}", namespace, report);
      System.out.println("event-gap checker, " + namespace + ": " + report);
      return report;
    }
  }

  @Test
  void noFault() throws Exception {
    EventGapChecker.Report r = run("gap-clean", EventGapChecker.Options.defaults(), i -> {});
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  @Test
  void acrossTwoUpstreamRestarts() throws Exception {
    EventGapChecker.Report r = run("gap-restarts", EventGapChecker.Options.defaults().withFaults(2), i -> restart());
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  @Test
  void acrossRestartsWithEtcdCompactions() throws Exception {
    EventGapChecker.Report r = run("gap-compaction", EventGapChecker.Options.defaults().withFaults(2), i -> {
      try {
        cluster.stopApiServer();
        Etcd.compactNow(cluster);
        cluster.startApiServer();
        Etcd.compactNow(cluster);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(r.expected()).isPositive();
    assertThat(r.clean()).as(r.toString()).isTrue();
    assertThat(r.gone410()).as(r.toString()).isZero();
  }

  /**
   * Breakwater cut off from its upstream (a TCP partition) while the apiserver restarts and the writer goes on:
   * when the partition heals, Breakwater's reflector gets the restarted apiserver's 410, relists once, and its
   * watchers receive the difference as ordinary events — the intermediate events of that range are lost upstream
   * (excused), but no watcher gets a 410 and every one ends in the upstream's state.
   */
  @Test
  void acrossAPartitionThatForcesBreakwaterToRelist() throws Exception {
    try (FaultyTcpProxy proxy = new FaultyTcpProxy(cluster.apiServerPort());
         Breakwater bw = Breakwater.start(Breakwater.config(proxy.kubeconfig(cluster.kubeconfig(), cluster.apiServerPort()),
             Optional.empty()).withCacheReads(true));
         EventGapChecker checker = new EventGapChecker(cluster, bw.url(), "gap-partition",
             EventGapChecker.Options.defaults().withFaults(2))) {
      checker.startWatchers();
      // Both feeds of configmaps (JSON and protobuf watchers) are cut off and relist.
      var manager = bw.server().caches().orElseThrow();
      var resource = manager.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow();
      List<dev.breakwater.cache.cacher.Cacher> caches = List.of(manager.cacheFor(resource, false), manager.cacheFor(resource, true));
      long[] cutAt = new long[caches.size()];
      checker.startWriter(i -> {
        try {
          if (i == 0) {
            proxy.cut();
            for (int c = 0; c < caches.size(); c++) {
              cutAt[c] = caches.get(c).watchCache().resourceVersion();
            }
            restart(); // the writer goes on after this, straight to the apiserver; Breakwater does not see it
          } else {
            proxy.heal();
            for (int c = 0; c < caches.size(); c++) {
              var rc = caches.get(c);
              long at = cutAt[c];
              // Done once the relist's state is in (the relist counter moves first, when the 410 arrives).
              await().atMost(Duration.ofSeconds(90)).until(() -> rc.reflector().relists() == 1
                  && Long.compareUnsigned(rc.watchCache().listResourceVersion(), at) > 0);
              checker.excuseRelist(at, rc.watchCache().listResourceVersion());
              LOG.info("partition: Breakwater's feed {} relisted over ({}, {}]", c, at, rc.watchCache().listResourceVersion());
            }
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      checker.awaitWriter(Duration.ofMinutes(5));
      EventGapChecker.Report r = checker.report(Duration.ofSeconds(45));
      LOG.info("event-gap checker, gap-partition: {}", r);
      System.out.println("event-gap checker, gap-partition: " + r);
      for (var rc : caches) {
        assertThat(rc.reflector().relists()).isEqualTo(1);
      }
      assertThat(r.collapsed()).as("events delivered as Breakwater's relist difference").isPositive();
      assertThat(r.clean()).as(r.toString()).isTrue();
      assertThat(r.gone410()).as(r.toString()).isZero();
    }
  }

  @Test
  void compactionTriggerCompactsEtcd() throws Exception {
    long rev = Etcd.compactNow(cluster);
    // An Exact LIST below the compacted revision on the etcd path (events are not watch-cached) is gone.
    try (var http = RawHttp.direct(cluster)) {
      int code = http.send(java.net.http.HttpRequest.newBuilder(cluster.server().resolve(
              "/api/v1/events?resourceVersion=" + (rev - 1) + "&resourceVersionMatch=Exact&limit=1")).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      assertThat(code).isEqualTo(410);
    }
    assertThat(Etcd.currentRevision(cluster)).isGreaterThanOrEqualTo(rev);
  }

  /**
   * After an upstream restart, 20 informer-like watchers through Breakwater resume from their RVs: the
   * apiserver sees one WatchList of configmaps from Breakwater's reflector (its relist) and nothing per client —
   * no LIST, no extra WATCH — and no client is answered 410. Then a write through Breakwater is read back
   * through it (read-your-writes across the restart).
   */
  @Test
  void noRelistStormAfterAnUpstreamRestart() throws Exception {
    try (Breakwater bw = breakwater();
         EventGapChecker watchers = new EventGapChecker(cluster, bw.url(), "storm",
             new EventGapChecker.Options(20, 0, 1, 0, 0, 1), false);
         HttpClient http = RawHttp.plain()) {
      watchers.startWatchers();
      // Half the watchers use protobuf: two caches of configmaps (JSON and protobuf), each with its own feed.
      var manager = bw.server().caches().orElseThrow();
      var resource = manager.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow();
      List<dev.breakwater.cache.cacher.Cacher> caches = List.of(manager.cacheFor(resource, false), manager.cacheFor(resource, true));
      long[] relistsBefore = caches.stream().mapToLong(c -> c.reflector().relists()).toArray();
      long[] listRvBefore = caches.stream().mapToLong(c -> c.watchCache().listResourceVersion()).toArray();
      restart();
      // The restarted apiserver's counters start at zero. Its own informers (kube-system configmaps) list and
      // watch too, so the baseline is taken once both of Breakwater's feeds have relisted and watch again.
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        for (int i = 0; i < caches.size(); i++) {
          var c = caches.get(i);
          if (c.reflector().relists() <= relistsBefore[i] || c.watchCache().listResourceVersion() <= listRvBefore[i]
              || c.reflector().phase() != dev.breakwater.cache.reflector.Reflector.Phase.WATCHING) {
            return false;
          }
        }
        return true;
      });
      Thread.sleep(500);
      double probesBefore = bw.server().metrics().upstreamRequests("compaction-probe");
      UpstreamMetrics atRelist = UpstreamMetrics.scrape(cluster);
      long opensAfter = watchers.opens();
      // Every watcher's stream ends within 8 s (timeoutSeconds 3..8) and is reopened from its RV, twice.
      await().atMost(Duration.ofSeconds(30)).until(() -> watchers.opens() >= opensAfter + 2L * 20);
      UpstreamMetrics m = UpstreamMetrics.scrape(cluster);
      // Breakwater's own compaction probes (an Exact LIST ?limit=1 per cache every 15 s) are LISTs of configmaps
      // too; counted around both scrapes, so they may include one just outside the window.
      long ownProbes = (long) (bw.server().metrics().upstreamRequests("compaction-probe") - probesBefore);
      Map<String, Long> delta = UpstreamMetrics.delta(atRelist.requestsByVerb("configmaps"), m.requestsByVerb("configmaps"));
      LOG.info("after restart: upstream configmaps requests since restart {} (of which after the feeds' relists {}), "
          + "open watches {} (at relist {}), relists {}, downstream 410s {}, errors {}",
          m.requestsByVerb("configmaps"), delta, m.longRunning("configmaps", "WATCH"), atRelist.longRunning("configmaps", "WATCH"),
          caches.stream().map(c -> c.reflector().relists()).toList(), watchers.gone410(), watchers.otherErrors());
      for (int i = 0; i < caches.size(); i++) {
        assertThat(caches.get(i).reflector().relists() - relistsBefore[i]).as("relists of feed " + i).isEqualTo(1);
        assertThat(caches.get(i).reflector().lists()).as("feed " + i + " relists with a WatchList, not a LIST").isZero();
      }
      assertThat(delta.getOrDefault("LIST", 0L) - ownProbes).as("upstream LISTs of configmaps caused by 20 resuming clients "
          + "(beyond Breakwater's own " + ownProbes + " compaction probes)").isLessThanOrEqualTo(0);
      assertThat(m.longRunning("configmaps", "WATCH")).as("open upstream WATCHes of configmaps")
          .isEqualTo(atRelist.longRunning("configmaps", "WATCH"));
      assertThat(watchers.gone410()).as("downstream 410s").isZero();

      // Read-your-writes across the restart: a write through Breakwater, then a consistent GET and LIST through it.
      String base = bw.url() + "/api/v1/namespaces/storm/configmaps";
      HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"ryw\"}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).isEqualTo(201);
      String rv = JSON.readTree(created.body()).path("metadata").path("resourceVersion").asText();
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/ryw")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(get.body()).path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(list.body()).contains("\"name\":\"ryw\"");
      assertThat(bw.server().readStats().orElseThrow().listsFromCache.get()).isPositive();
    }
  }

  /**
   * While the apiserver is down: an open watch through Breakwater stays open (and after the restart delivers the
   * next change on the same stream); RV=0, NotOlderThan, Exact and continue reads are answered from the cache;
   * a consistent read waits its bound and then fails as a proxy in front of a dead apiserver does (503 Status).
   */
  @Test
  void readsDuringAnOutage() throws Exception {
    try (Breakwater bw = breakwater(); HttpClient http = RawHttp.plain(); var direct = dev.breakwater.e2e.support.ClusterExtension.direct(cluster)) {
      direct.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("outage").endMetadata().build())
          .serverSideApply();
      for (int i = 0; i < 3; i++) {
        direct.configMaps().inNamespace("outage").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
            .withName("o-" + i).endMetadata().build()).create();
      }
      String base = bw.url() + "/api/v1/namespaces/outage/configmaps";
      HttpResponse<String> before = http.send(HttpRequest.newBuilder(URI.create(base)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(before.statusCode()).isEqualTo(200);
      long listRv = JSON.readTree(before.body()).path("metadata").path("resourceVersion").asLong();
      HttpResponse<String> page1 = http.send(HttpRequest.newBuilder(URI.create(base + "?limit=1")).build(), HttpResponse.BodyHandlers.ofString());
      String token = JSON.readTree(page1.body()).path("metadata").path("continue").asText();
      assertThat(token).isNotEmpty();
      HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(base + "?watch=1&resourceVersion=" + listRv
          + "&timeoutSeconds=120")).build(), HttpResponse.BodyHandlers.ofInputStream());
      assertThat(watch.statusCode()).isEqualTo(200);
      BufferedReader events = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8));

      cluster.stopApiServer();
      try {
        for (String q : List.of("?resourceVersion=0", "?resourceVersion=" + listRv + "&resourceVersionMatch=NotOlderThan",
            "?resourceVersion=" + listRv + "&resourceVersionMatch=Exact", "?limit=1&continue=" + token)) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + q)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(q).isEqualTo(200);
          assertThat(r.body()).as(q).contains("\"name\":\"o-");
        }
        HttpResponse<String> get0 = http.send(HttpRequest.newBuilder(URI.create(base + "/o-1?resourceVersion=0")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(get0.statusCode()).isEqualTo(200);
        long t0 = System.nanoTime();
        HttpResponse<String> consistent = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(15)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        assertThat(consistent.statusCode()).isEqualTo(503);
        assertThat(consistent.body()).contains("\"reason\":\"ServiceUnavailable\"", "\"code\":503");
        // Degraded, per resource, on the admin listener; still ready (it serves what it holds).
        String readyz = "http://127.0.0.1:" + bw.adminPort() + "/readyz?verbose";
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(readyz)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).containsPattern("\\[-\\]cache:configmaps degraded: upstream unavailable for \\d+s: ");
        });
      } finally {
        cluster.startApiServer();
      }
      direct.configMaps().inNamespace("outage").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
          .withName("after-outage").endMetadata().build()).create();
      // The same stream, never ended by the outage, delivers the change once the reflector has resumed.
      CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
        try {
          String line;
          while ((line = events.readLine()) != null) {
            if (line.contains("after-outage")) {
              return line;
            }
          }
          return "EOF";
        } catch (java.io.IOException e) {
          return "IOException " + e;
        }
      });
      assertThat(next.get(90, TimeUnit.SECONDS)).startsWith("{\"type\":\"ADDED\"");
      watch.body().close();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort()
          + "/readyz?verbose")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.body()).contains("[+]cache:configmaps ok\n").doesNotContain("[-]");
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      var outage = java.util.regex.Pattern.compile("breakwater_cache_upstream_outage_seconds_total\\{resource=\"configmaps\"\\} ([0-9.eE+-]+)")
          .matcher(metrics);
      assertThat(outage.find()).as(metrics).isTrue();
      assertThat(Double.parseDouble(outage.group(1))).isPositive();
      assertThat(metrics).contains("breakwater_cache_upstream_available{resource=\"configmaps\"} 1");
    }
  }

  static dev.breakwater.cache.WatchCache cacheOf(Breakwater bw) throws Exception {
    var m = bw.server().caches().orElseThrow();
    return m.cacheFor(m.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .orElseThrow()).watchCache();
  }

  static void restart() {
    try {
      cluster.stopApiServer();
      cluster.startApiServer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitUp() {
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.apiServerRunning());
  }
}
