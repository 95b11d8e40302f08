package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.EventGapChecker;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.UpstreamMetrics;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16 item 3: an HA control plane of two kube-apiservers (A, B) on one etcd, Breakwater in front of both
 * ({@code --upstream-endpoints=A,B}). While the event-gap checker's watchers (plain watches from an RV, WatchLists,
 * label selectors; JSON and protobuf) watch through Breakwater and its writer writes straight to a live apiserver,
 * A is killed (SIGKILL) and the writes go on through B; later A is back, B is killed and the writes go on through A.
 * Every watcher must see every event exactly once, in RV order, and no 410; Breakwater's feeds resume their watches
 * on the other apiserver from their RVs — no relist, no upstream LIST (counted by the feeds and on B's own {@code
 * apiserver_request_total}); after each fail-over a write through Breakwater is read back through it with a
 * consistent GET and a consistent LIST (read-your-writes across the fail-over). A restarted apiserver does not take
 * the traffic back (sticky), and Breakwater's health check sees it ready again. A pass-through watch in flight on
 * A ends cleanly when A dies; the next one reaches B.
 *
 * <p>Uses its own cluster (it kills apiservers).
 */
class UpstreamFailoverE2ETest {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamFailoverE2ETest.class);
  static final ObjectMapper JSON = new ObjectMapper();
  static final String RYW_NS = "failover-ryw";
  static LocalCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = Clusters.startPrivate(LocalCluster.builder());
    cluster.startSecondApiServer();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void watchersAndReadYourWritesAcrossTwoFailovers() throws Exception {
    URI a = cluster.server();
    URI b = cluster.secondServer();
    try (var direct = ClusterExtension.direct(cluster)) {
      direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(RYW_NS).endMetadata().build()).serverSideApply();
    }
    var config = Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withUpstreamEndpoints(List.of(a.toString(), b.toString()));
    try (Breakwater bw = Breakwater.start(config);
         EventGapChecker checker = new EventGapChecker(cluster, bw.url(), "failover", EventGapChecker.Options.defaults().withFaults(2));
         HttpClient http = RawHttp.plain()) {
      Upstream upstream = bw.server().upstream();
      assertThat(upstream.endpoint().server()).isEqualTo(a);
      checker.startWatchers();
      // Both feeds of configmaps (JSON and protobuf watchers).
      var manager = bw.server().caches().orElseThrow();
      var resource = manager.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).orElseThrow();
      List<Cacher> caches = List.of(manager.cacheFor(resource, false), manager.cacheFor(resource, true));
      long[] listsBefore = caches.stream().mapToLong(c -> c.reflector().lists()).toArray();
      long[] relistsBefore = caches.stream().mapToLong(c -> c.reflector().relists()).toArray();
      List<String> measured = new ArrayList<>();
      // B's LISTs of configmaps and Breakwater's own LIST-like requests, from the first fault to the second.
      List<Map<String, Long>> onB = new ArrayList<>();
      double[] own = new double[2];
      // A pass-through stream in flight on A (watches of events are not served from the cache; one that were would
      // stay open across the fail-over, as the checker's do): it ends cleanly when A dies, as through a load
      // balancer, and the client's next watch reaches B.
      String eventsWatch = bw.url() + "/api/v1/namespaces/" + RYW_NS + "/events?watch=1&timeoutSeconds=120";
      HttpResponse<java.io.InputStream> inFlight = http.send(HttpRequest.newBuilder(URI.create(eventsWatch)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(inFlight.statusCode()).isEqualTo(200);
      checker.startWriter(i -> {
        try {
          if (i == 0) {
            onB.add(UpstreamMetrics.scrape(cluster, b).requestsByVerb("configmaps"));
            own[0] = ownLists(bw);
            checker.useDirectServer(b);
            long t0 = System.nanoTime();
            cluster.killApiServer();
            measured.add("A killed: " + readYourWrites(bw, http, "after-a-killed", t0));
            assertThat(upstream.endpoint().server()).as("B took over").isEqualTo(b);
            awaitFeedsWatching(caches);
            measured.add(String.format("A killed: both feeds watching again %d ms after the kill", (System.nanoTime() - t0) / 1_000_000));
            var ended = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
              try (var in = inFlight.body()) {
                in.readAllBytes();
                return "EOF";
              } catch (java.io.IOException e) {
                return e.toString();
              }
            });
            assertThat(ended.get(20, TimeUnit.SECONDS)).as("the pass-through watch on A ends cleanly").isEqualTo("EOF");
            HttpResponse<java.io.InputStream> again = http.send(HttpRequest.newBuilder(URI.create(eventsWatch)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            assertThat(again.statusCode()).as("a new pass-through watch reaches B").isEqualTo(200);
            again.body().close();
            // A comes back while B serves; the writes between the faults fill its watch cache.
            cluster.startApiServer();
            await().atMost(Duration.ofSeconds(20)).until(() -> upstream.selector().healthy(0));
            assertThat(upstream.endpoint().server()).as("sticky: B keeps the traffic").isEqualTo(b);
          } else {
            onB.add(UpstreamMetrics.scrape(cluster, b).requestsByVerb("configmaps"));
            own[1] = ownLists(bw);
            checker.useDirectServer(a);
            long t0 = System.nanoTime();
            cluster.killSecondApiServer();
            measured.add("B killed: " + readYourWrites(bw, http, "after-b-killed", t0));
            assertThat(upstream.endpoint().server()).as("A took over again").isEqualTo(a);
            awaitFeedsWatching(caches);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      checker.awaitWriter(Duration.ofMinutes(3));
      EventGapChecker.Report r = checker.report(Duration.ofSeconds(45));
      LOG.info("event-gap checker across fail-overs: {}; {}", r, measured);
      System.out.println("event-gap checker across fail-overs: " + r + "; " + measured);
      assertThat(r.expected()).isPositive();
      assertThat(r.clean()).as(r.toString()).isTrue();
      assertThat(r.gone410()).as(r.toString()).isZero();
      for (int c = 0; c < caches.size(); c++) {
        assertThat(caches.get(c).reflector().relists() - relistsBefore[c]).as("relists of feed " + c).isZero();
        assertThat(caches.get(c).reflector().lists() - listsBefore[c]).as("LISTs of feed " + c).isZero();
      }
      // On B's own metrics, over the time it served: LISTs of configmaps beyond Breakwater's own probes and the
      // read-your-writes LIST — none from the feeds (B's counters survive; it was never restarted in that window).
      // The read-your-writes LIST is consistent and goes upstream (--consistent-read-budget 0): one more.
      Map<String, Long> delta = UpstreamMetrics.delta(onB.get(0), onB.get(1));
      long allowed = (long) (own[1] - own[0]) + 1;
      LOG.info("B served configmaps {} between the fail-overs; Breakwater's own LISTs there {}", delta, allowed);
      System.out.println("B served configmaps " + delta + " between the fail-overs; Breakwater's own LISTs there " + allowed);
      assertThat(delta.getOrDefault("LIST", 0L)).as("upstream LISTs of configmaps on B: " + delta).isLessThanOrEqualTo(allowed);
      assertThat(upstream.selector().switches()).isEqualTo(2);
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("breakwater_upstream_endpoint_current{endpoint=\"" + a + "\"} 1",
          "breakwater_upstream_endpoint_current{endpoint=\"" + b + "\"} 0", "breakwater_upstream_endpoint_switches_total 2");
    }
  }

  /** Breakwater's own LIST-like requests so far (probes, consistency checks), which reach the apiserver as LISTs. */
  static double ownLists(Breakwater bw) {
    var m = bw.server().metrics();
    return m.upstreamRequests("compaction-probe") + m.upstreamRequests("probe") + m.upstreamRequests("consistency-check");
  }

  static void awaitFeedsWatching(List<Cacher> caches) {
    await().atMost(Duration.ofSeconds(30)).until(() -> caches.stream()
        .allMatch(c -> c.reflector().phase() == dev.breakwater.cache.reflector.Reflector.Phase.WATCHING));
  }

  /**
   * Writes a ConfigMap through Breakwater (server-side apply: idempotent, so a 503 of a request caught on the dying
   * endpoint is retried as a client would), then reads it back through Breakwater with a consistent GET and a
   * consistent LIST: both must show the write. Returns what it took, in ms from {@code t0} (the kill's start), and
   * how many 503s came before the write succeeded.
   */
  static String readYourWrites(Breakwater bw, HttpClient http, String name, long t0) throws Exception {
    long killed = System.nanoTime();
    String base = bw.url() + "/api/v1/namespaces/" + RYW_NS + "/configmaps";
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"at\":\""
        + System.nanoTime() + "\"}}";
    int unavailable = 0;
    HttpResponse<String> written;
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      written = http.send(HttpRequest.newBuilder(URI.create(base + "/" + name + "?fieldManager=failover"))
          .header("Content-Type", "application/apply-patch+yaml").timeout(Duration.ofSeconds(15))
          .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (written.statusCode() != 503 || System.nanoTime() > deadline) {
        break;
      }
      unavailable++;
      Thread.sleep(100);
    }
    assertThat(written.statusCode()).as(written.body()).isIn(200, 201);
    long writtenAt = System.nanoTime();
    JsonNode w = JSON.readTree(written.body());
    long rv = w.path("metadata").path("resourceVersion").asLong();
    String at = w.path("data").path("at").asText();

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/" + name)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
    JsonNode g = JSON.readTree(get.body());
    assertThat(g.path("metadata").path("resourceVersion").asLong()).as("consistent GET after the write").isGreaterThanOrEqualTo(rv);
    assertThat(g.path("data").path("at").asText()).isEqualTo(at);

    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "?fieldSelector="
        + URLEncoder.encode("metadata.name=" + name, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    JsonNode items = JSON.readTree(list.body()).path("items");
    assertThat(items).as(list.body()).hasSize(1);
    assertThat(items.get(0).path("metadata").path("resourceVersion").asLong()).as("consistent LIST after the write")
        .isGreaterThanOrEqualTo(rv);
    assertThat(items.get(0).path("data").path("at").asText()).isEqualTo(at);
    return String.format("kill took %d ms; write through Breakwater %d ms after it (%d answered 503 first), consistent GET+LIST %d ms more",
        (killed - t0) / 1_000_000, (writtenAt - killed) / 1_000_000, unavailable, (System.nanoTime() - writtenAt) / 1_000_000);
  }
}
