package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.UpstreamMetrics;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consistent reads (RV unset) of a quiet namespace while another resource is written, as in every
 * real cluster (issue 13, item 1): 20 Leases in another namespace renewed continuously (~16
 * writes/s), 200 ConfigMaps in a namespace nobody writes, and sequential consistent GETs,
 * {@code limit=500} LISTs, unpaginated LISTs and {@code limit=100} page walks (first page and continue pages) of it —
 * straight to the apiserver and through
 * Breakwater. Each read's latency is printed (p50/p99, the figures in BENCHMARKS.md) with the
 * upstream requests per read from the apiserver's own {@code apiserver_request_total}.
 *
 * <p>What is asserted is correctness, never timing: every read through Breakwater reflects every
 * write completed before it was sent — a LIST's resourceVersion is at least the last lease write's
 * (a consistent LIST's RV is the upstream's current RV or later), and every fifth read first rewrites a
 * marker ConfigMap straight to the apiserver and must then see the new value; every continue page is at its first
 * page's RV — and unpaginated LISTs
 * are answered from the cache (they never cost the upstream a LIST of the collection).
 *
 * <p>Reproduce: {@code ./mvnw -B -o -pl e2e -am verify -Dtest=ConsistentReadLatencyE2ETest
 * -Dsurefire.failIfNoSpecifiedTests=false -DconsistentReads=50} (the figures are in the test's output,
 * {@code consistent-read …} lines).
 */
@ExtendWith(ClusterExtension.class)
@org.junit.jupiter.api.Tag("slow") // ./breakwater test -Pfull (README, "Tests")
class ConsistentReadLatencyE2ETest {

  static final String QUIET = "quiet-reads";
  static final String CHURN = "lease-churn";
  static final int CONFIGMAPS = 200;
  static final int LEASES = 20;
  /** Between lease writes: ~16 writes/s. */
  static final long WRITE_PAUSE_MS = 62;
  /**
   * Reads per arm and kind. 15 in the default test run (the assertions, about 80 s); the figures in
   * BENCHMARKS.md are from {@code -DconsistentReads=50} (about 5 min).
   */
  static final int READS = Integer.getInteger("consistentReads", 15);
  /** Reads are spaced by a uniform random pause below this. */
  static final int PAUSE_MS = 1_200;
  static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    GET("/api/v1/namespaces/" + QUIET + "/configmaps/"),
    LIST_500("/api/v1/namespaces/" + QUIET + "/configmaps?limit=500"),
    LIST("/api/v1/namespaces/" + QUIET + "/configmaps"),
    /** A page walk, kubectl's way with a smaller chunk: the first page (RV unset) and its continue pages, timed whole. */
    WALK_100("/api/v1/namespaces/" + QUIET + "/configmaps?limit=100");

    final String path;

    Kind(String path) {
      this.path = path;
    }
  }

  @Test
  void consistentReadsOfAQuietNamespaceAreExactAndListsStayInTheCache(LocalCluster cluster, KubernetesClient k) throws Exception {
    for (String ns : List.of(QUIET, CHURN)) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    }
    for (int i = 0; i < CONFIGMAPS; i++) {
      k.configMaps().inNamespace(QUIET).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i).endMetadata()
          .addToData("payload", "x".repeat(200)).build()).serverSideApply();
    }
    AtomicLong lastWrite = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
         Breakwater budget = Breakwater.start(withBudget(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true)));
         HttpClient direct = RawHttp.direct(cluster); HttpClient plain = RawHttp.plain(); HttpClient writer = RawHttp.direct(cluster)) {
      Thread churn = Thread.ofPlatform().name("lease-churn").start(() -> renewLeases(cluster, writer, lastWrite, stop));
      try {
        for (Breakwater b : List.of(bw, budget)) {
          await().atMost(Duration.ofSeconds(30)).until(() -> lastWrite.get() > 0 && plain.send(HttpRequest.newBuilder(URI.create(b.url()
              + "/api/v1/namespaces/" + QUIET + "/configmaps?resourceVersion=0")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        }
        writeMarker(cluster, direct, "0");
        List<String> lines = new ArrayList<>();
        for (Kind kind : Kind.values()) {
          lines.add(measure(cluster, direct, cluster.server(), "direct", kind, lastWrite, null));
        }
        for (Kind kind : Kind.values()) {
          lines.add(measure(cluster, plain, URI.create(bw.url()), "breakwater", kind, lastWrite, bw));
        }
        for (Kind kind : List.of(Kind.GET, Kind.LIST_500, Kind.WALK_100)) {
          lines.add(measure(cluster, plain, URI.create(budget.url()), "bw-budget5", kind, lastWrite, budget));
        }
        lines.forEach(System.out::println);
      } finally {
        stop.set(true);
        churn.join();
      }
    }
  }

  /**
   * The fact the progress supply is built on, checked on the apiserver itself: a watch with bookmarks
   * and {@code timeoutSeconds=3} gets a timer bookmark (at deadline − 2 s, on the cacher's ~1–1.25 s
   * jittered tick) before it ends, so watches opened every 800 ms put a due watcher in every one-second
   * bookmark bucket. Prints the gaps between consecutive bookmark arrivals over all streams (the
   * cadence a waiting read sees). A bookmark not above a watch's start RV is not sent, so, as
   * consistent reads do, leases are written and the upstream's configmaps cache is pushed to the
   * current RV ({@code LIST ?limit=1}) meanwhile.
   */
  @Test
  void shortWatchesEachGetABookmarkBeforeTheirDeadline(LocalCluster cluster, KubernetesClient k) throws Exception {
    for (String ns : List.of(QUIET, CHURN)) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    }
    AtomicLong lastWrite = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try (HttpClient http = RawHttp.direct(cluster); HttpClient writer = RawHttp.direct(cluster); HttpClient prober = RawHttp.direct(cluster)) {
      Thread churn = Thread.ofPlatform().name("lease-churn").start(() -> renewLeases(cluster, writer, lastWrite, stop));
      Thread push = Thread.ofPlatform().name("probe").start(() -> {
        while (!stop.get()) {
          try {
            prober.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/configmaps?limit=1")).build(),
                HttpResponse.BodyHandlers.discarding());
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            // keep pushing
          }
        }
      });
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> lastWrite.get() > 0);
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/configmaps?limit=1")).build(),
            HttpResponse.BodyHandlers.ofString());
        long rv = JSON.readTree(list.body()).path("metadata").path("resourceVersion").asLong();
        int watches = 15;
        List<java.util.concurrent.CompletableFuture<List<Long>>> streams = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < watches; i++) {
          URI uri = cluster.server().resolve("/api/v1/namespaces/" + QUIET + "/configmaps?watch=1&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion=" + rv);
          streams.add(http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofLines()).thenApply(r -> {
            List<Long> at = new ArrayList<>();
            r.body().forEach(line -> {
              if (line.contains("\"type\":\"BOOKMARK\"")) {
                at.add(System.nanoTime() - start);
              }
            });
            return at;
          }));
          Thread.sleep(800);
        }
        List<Long> all = new ArrayList<>();
        List<Integer> perWatch = new ArrayList<>();
        for (int i = 0; i < watches; i++) {
          List<Long> at = streams.get(i).get(10, java.util.concurrent.TimeUnit.SECONDS);
          perWatch.add(at.size());
          all.addAll(at);
        }
        System.out.println("bookmark-cadence: bookmarks per watch " + perWatch + ", arrivals (ms) "
            + all.stream().sorted().map(n -> n / 1_000_000).toList());
        assertThat(perWatch).as("every timeoutSeconds=3 watch got a bookmark before it ended").doesNotContain(0);
        Collections.sort(all);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < all.size(); i++) {
          if (all.get(i) - all.get(i - 1) > 100_000_000L) { // bookmarks of one tick arrive together
            gaps.add(all.get(i) - all.get(i - 1));
          }
        }
        Collections.sort(gaps);
        System.out.printf(Locale.ROOT, "bookmark-cadence: %d watches, %d bookmarks, %d ticks; gap between ticks p50=%.0fms max=%.0fms%n",
            watches, all.size(), gaps.size() + 1, ms(percentile(gaps, 50)), ms(gaps.getLast()));
      } finally {
        stop.set(true);
        churn.join();
        push.join();
      }
    }
  }

  /** {@link #READS} reads of {@code kind}; returns the figures line. Asserts that none was stale. */
  private String measure(LocalCluster cluster, HttpClient http, URI base, String arm, Kind kind, AtomicLong lastWrite,
      Breakwater bw) throws Exception {
    boolean viaBreakwater = bw != null;
    long cacheListsBefore = viaBreakwater ? bw.server().readStats().orElseThrow().listsFromCache.get() : 0;
    UpstreamMetrics before = UpstreamMetrics.scrape(cluster);
    long phaseStart = System.nanoTime();
    List<Long> nanos = new ArrayList<>();
    int markerReads = 0;
    try (HttpClient markerWriter = RawHttp.direct(cluster)) {
      for (int i = 0; i < READS; i++) {
        boolean marker = i % 5 == 4;
        String expected = null;
        if (marker) {
          expected = kind + "-" + i + "-" + arm;
          writeMarker(cluster, markerWriter, expected);
          markerReads++;
        }
        String path = kind == Kind.GET ? kind.path + (marker ? "marker" : "cm-" + ThreadLocalRandom.current().nextInt(CONFIGMAPS)) : kind.path;
        long floor = lastWrite.get();
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", arm, path, r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        if (kind == Kind.WALK_100) {
          body = walk(http, base, path, body, arm);
        }
        long took = System.nanoTime() - t0;
        if (kind != Kind.GET) {
          assertThat(body.path("metadata").path("resourceVersion").asLong()).as("%s %s read %d: list RV vs the last write before it", arm, kind, i)
              .isGreaterThanOrEqualTo(floor);
          assertThat(body.path("items")).as("%s %s", arm, kind).hasSize(CONFIGMAPS + 1);
        }
        if (marker) {
          JsonNode object = kind == Kind.GET ? body : find(body.path("items"), "marker");
          assertThat(object.path("data").path("v").asText()).as("%s %s read %d sees the write before it", arm, kind, i).isEqualTo(expected);
        } else {
          nanos.add(took);
        }
        // Arrivals independent of the upstream's bookmark tick (~1.1 s): a closed loop would start
        // each read just after the tick that answered the previous one.
        Thread.sleep(ThreadLocalRandom.current().nextInt(PAUSE_MS));
      }
    }
    UpstreamMetrics after = UpstreamMetrics.scrape(cluster);
    Map<String, Long> upstream = UpstreamMetrics.delta(before.requestsByVerb("configmaps"), after.requestsByVerb("configmaps"));
    // The marker writes themselves are upstream requests of this phase: leave them out.
    long writes = markerReads;
    upstream.computeIfPresent("APPLY", (v, n) -> n - writes == 0 ? null : n - writes);
    upstream.computeIfPresent("PATCH", (v, n) -> n - writes == 0 ? null : n - writes);
    long cacheLists = viaBreakwater ? bw.server().readStats().orElseThrow().listsFromCache.get() - cacheListsBefore : 0;
    if (viaBreakwater && kind == Kind.LIST) {
      // Unpaginated consistent LISTs wait for the proof and are served from the cache: the upstream
      // sees probes (LIST ?limit=1) and progress watches, never the collection.
      assertThat(cacheLists).as("unpaginated LISTs served from the cache").isEqualTo(READS);
    }
    if (arm.equals("breakwater") && kind == Kind.GET) {
      // No budget (the default): each small consistent read is the apiserver's own, and costs no probe.
      // The only LISTs are the compactor's Exact LIST ?limit=1 polls (Compactor.POLL_PERIOD_SECONDS, from each of
      // the two Breakwaters), not a probe per read.
      long polls = 2 * (1 + (System.nanoTime() - phaseStart) / java.util.concurrent.TimeUnit.SECONDS.toNanos(
          dev.breakwater.cache.cacher.Compactor.POLL_PERIOD_SECONDS));
      assertThat(upstream).as("upstream requests for %d GETs without a budget", READS).containsEntry("GET", (long) READS);
      assertThat(upstream.getOrDefault("LIST", 0L)).as("upstream LISTs during %d GETs without a budget: compactor polls only", READS)
          .isLessThanOrEqualTo(polls);
    }
    Collections.sort(nanos);
    StringBuilder perRead = new StringBuilder();
    upstream.forEach((verb, n) -> perRead.append(String.format(Locale.ROOT, " %s=%.2f", verb, (double) n / READS)));
    return String.format(Locale.ROOT, "consistent-read %-11s %-8s n=%d p50=%.1fms p99=%.1fms max=%.1fms upstream/read:%s",
        arm, kind, nanos.size(), ms(percentile(nanos, 50)), ms(percentile(nanos, 99)), ms(nanos.getLast()),
        perRead.isEmpty() ? " none" : perRead);
  }

  /**
   * Follows {@code first}'s continue tokens to the end; returns a list of every page's items with the first page's
   * metadata. Every page is at the first page's RV (a continue page answers from the snapshot its token names).
   */
  private static JsonNode walk(HttpClient http, URI base, String path, JsonNode first, String arm) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode all = first.deepCopy();
    com.fasterxml.jackson.databind.node.ArrayNode items = (com.fasterxml.jackson.databind.node.ArrayNode) all.path("items");
    String rv = first.path("metadata").path("resourceVersion").asText();
    JsonNode page = first;
    while (!page.path("metadata").path("continue").asText().isEmpty()) {
      String next = path + "&continue=" + java.net.URLEncoder.encode(page.path("metadata").path("continue").asText(),
          java.nio.charset.StandardCharsets.UTF_8);
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(next)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s %s: %s", arm, next, r.body()).isEqualTo(200);
      page = JSON.readTree(r.body());
      assertThat(page.path("metadata").path("resourceVersion").asText()).as("%s: a continue page's RV", arm).isEqualTo(rv);
      page.path("items").forEach(items::add);
    }
    ((com.fasterxml.jackson.databind.node.ObjectNode) all.path("metadata")).remove("continue");
    return all;
  }

  /** {@code --consistent-read-budget=5ms}: small consistent reads are served from the cache when proven fresh within 5 ms. */
  private static dev.breakwater.config.ServeConfig withBudget(dev.breakwater.config.ServeConfig c) {
    return c.withCachePolicy(c.cachePolicy().withConsistentReadBudget(Duration.ofMillis(5)));
  }

  private static JsonNode find(JsonNode items, String name) {
    for (JsonNode item : items) {
      if (item.path("metadata").path("name").asText().equals(name)) {
        return item;
      }
    }
    throw new AssertionError("no " + name + " in the list");
  }

  private static void writeMarker(LocalCluster cluster, HttpClient http, String value) throws Exception {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"marker\"},\"data\":{\"v\":\"" + value + "\"}}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/namespaces/" + QUIET
        + "/configmaps/marker?fieldManager=latency")).header("Content-Type", "application/apply-patch+yaml")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
  }

  /** Renews {@link #LEASES} Leases round robin until {@code stop}; {@code lastWrite}: the RV of the last completed write. */
  private static void renewLeases(LocalCluster cluster, HttpClient http, AtomicLong lastWrite, AtomicBoolean stop) {
    int i = 0;
    while (!stop.get()) {
      String name = "node-" + (i++ % LEASES);
      String body = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"" + name
          + "\"},\"spec\":{\"holderIdentity\":\"" + name + "\",\"leaseDurationSeconds\":40,\"renewTime\":\""
          + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC)
              .format(java.time.Instant.now()) + "\"}}";
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.server().resolve("/apis/coordination.k8s.io/v1/namespaces/"
            + CHURN + "/leases/" + name + "?fieldManager=churn")).header("Content-Type", "application/apply-patch+yaml")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 || r.statusCode() == 201) {
          long rv = JSON.readTree(r.body()).path("metadata").path("resourceVersion").asLong();
          lastWrite.accumulateAndGet(rv, Math::max);
        }
        Thread.sleep(WRITE_PAUSE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // keep renewing; a failed renewal only lowers the write rate
      }
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
