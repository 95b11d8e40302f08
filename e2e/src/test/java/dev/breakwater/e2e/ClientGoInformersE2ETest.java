package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.InformerProbe;
import dev.breakwater.e2e.support.InformerProbe.ContentType;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.e2e.support.UpstreamMetrics;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.PodTemplateBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real client-go informers — the fixture's {@code informer-probe}: 20 informers of
 * k8s.io/client-go v0.36.3 in one process, each with its own transport and connections — on one
 * namespace, with client-go's WatchListClient feature on (its v0.36.3 default: one WatchList per
 * informer) and off (LIST {@code resourceVersion=0&limit=500}, then WATCH). Each case runs them
 * first straight to the apiserver (the control), then through a fresh Breakwater with
 * {@code --cache}. Both times they must sync, follow churn written straight to the apiserver to
 * exactly its state, and send the same requests; the apiserver's own metrics give each run's cost,
 * printed side by side in the test output.
 *
 * <p>The resource is {@code podtemplates} because nothing inside the apiserver watches it (there
 * is no controller-manager): configmaps carry three of the apiserver's own WATCHes, whose restarts
 * every 5–10 min would add stray completed WATCHes to the counts below, which are exact.
 *
 * <p>Content type matters: typed client-go clients of built-in types ask for
 * {@code application/vnd.kubernetes.protobuf,application/json} unless configured otherwise, and
 * Breakwater passes protobuf upstream (README, "Passes upstream"). Informers configured for JSON
 * are served from the cache; default ones pass through: correct, but no saving (issue 7, see the
 * disabled test).
 */
@ExtendWith(ClusterExtension.class)
class ClientGoInformersE2ETest {

  static final int INFORMERS = 20;
  static final String RESOURCE = "podtemplates";

  /**
   * One run of the informers: what it cost the apiserver (its metrics), what Breakwater itself
   * sent upstream by then (0 for the control), and what the informers sent.
   */
  record Run(String label, Map<String, Long> requests, long watchesOpen, long reflectorRequests, long probes, long syncMillis, long dials,
             List<String> requestShapes) {
    @Override
    public String toString() {
      return "%-10s upstream LIST/WATCH requests completed %s, WATCHes open %d; synced in %d ms; %d connections dialed".formatted(
          label, requests, watchesOpen, syncMillis, dials);
    }
  }

  /** How the cache starts: at Breakwater's launch ({@code --cache-warm}), or with the informers' own first requests. */
  enum CacheStart { WARM, COLD }

  /** The control and the run through Breakwater, with how Breakwater answered the latter. */
  record Comparison(Run direct, Run cached, long listsFromCache, long watchesFromCache, long passedUpstream, long coalesced) {}

  @ParameterizedTest(name = "WatchListClient={0}")
  @ValueSource(booleans = {true, false})
  void jsonInformersCostTheUpstreamOneCacheFeed(boolean watchList, LocalCluster cluster, KubernetesClient direct) throws Exception {
    Comparison c = compare(cluster, direct, watchList, ContentType.JSON, CacheStart.WARM);

    // The control: each informer costs the apiserver its own WATCH (a WatchList when on), and its own LIST when off.
    assertThat(c.direct().watchesOpen()).as("upstream WATCHes open, informers direct").isEqualTo(INFORMERS);
    assertThat(c.direct().requests()).as("upstream LIST/WATCH requests completed, informers direct")
        .isEqualTo(watchList ? Map.of() : Map.of("LIST", (long) INFORMERS));
    // Through Breakwater every informer request is answered from the cache ...
    assertThat(c.passedUpstream()).as("requests Breakwater passed upstream").isZero();
    assertThat(c.watchesFromCache()).as("informer WATCHes served from the cache").isEqualTo(INFORMERS);
    assertThat(c.listsFromCache()).as("informer LISTs served from the cache").isEqualTo(watchList ? 0 : INFORMERS);
    // ... and every upstream request on the resource is Breakwater's own: LISTs are its current-resourceVersion probes,
    // WATCHes its reflector's (the cache's feed, a WatchList still open, and any short progress watch).
    Run bw = c.cached();
    long watchesCompleted = bw.requests().getOrDefault("WATCH", 0L);
    assertThat(bw.requests().getOrDefault("LIST", 0L)).as("upstream LISTs = Breakwater's probes").isEqualTo(bw.probes());
    assertThat(bw.watchesOpen() + watchesCompleted).as("upstream WATCHes = Breakwater's reflector requests")
        .isEqualTo(bw.reflectorRequests());
    if (watchList) {
      // A client-go WatchList has no resourceVersion: a consistent read. Breakwater asks the upstream how far it must
      // catch up (LIST limit=1); a probe is shared only by requests that arrived before it was sent, and 20 informers
      // connecting over ~100 ms got 20 probes in every run here. When the probed RV is ahead of the quiet resource's
      // cache, the reflector opens a progress watch (timeoutSeconds=3, one at a time) for a bookmark.
      assertThat(bw.probes()).as("current-resourceVersion probes").isBetween(1L, (long) INFORMERS);
      assertThat(bw.watchesOpen()).as("upstream WATCHes open: the cache's, and perhaps a progress watch ending").isBetween(1L, 2L);
      assertThat(bw.reflectorRequests() - 1).as("progress watches").isLessThanOrEqualTo(INFORMERS);
    } else {
      // LIST resourceVersion=0 and WATCH from an RV the cache has: nothing to confirm upstream.
      assertThat(bw.probes()).as("current-resourceVersion probes").isZero();
      assertThat(bw.reflectorRequests()).as("Breakwater's reflector requests: one WatchList").isEqualTo(1);
      assertThat(bw.watchesOpen()).as("upstream WATCHes open, informers through Breakwater").isEqualTo(1);
      assertThat(bw.requests()).as("upstream LIST/WATCH requests completed, informers through Breakwater").isEmpty();
    }
  }

  /**
   * client-go's defaults: typed informers ask for {@code application/vnd.kubernetes.protobuf,application/json},
   * so they are served from the resource's protobuf cache, which the first of them starts (the others
   * wait for it rather than going upstream): one upstream feed for all twenty.
   */
  @ParameterizedTest(name = "WatchListClient={0}")
  @ValueSource(booleans = {true, false})
  void defaultInformersAreServedFromTheProtobufCache(boolean watchList, LocalCluster cluster, KubernetesClient direct) throws Exception {
    Comparison c = compare(cluster, direct, watchList, ContentType.DEFAULT, CacheStart.COLD);
    assertThat(c.watchesFromCache()).as("informer WATCHes served from the cache").isEqualTo(INFORMERS);
    assertThat(c.cached().watchesOpen()).as("upstream WATCHes open: the protobuf cache's, perhaps a progress watch ending")
        .isBetween(1L, 2L);
    if (!watchList) {
      // LIST limit=500&resourceVersion=0 on a cache still starting goes to storage as the apiserver's does (KEP-4568):
      // upstream — identical ones coalesced into fewer upstream LISTs — or, once the cache is ready, from the cache.
      assertThat(c.listsFromCache() + c.passedUpstream() + c.coalesced()).as("informer LISTs").isEqualTo(INFORMERS);
      assertThat(c.cached().requests().getOrDefault("LIST", 0L)).as("upstream LISTs").isEqualTo(c.passedUpstream());
    } else {
      assertThat(c.passedUpstream()).as("requests Breakwater passed upstream").isZero();
    }
  }

  /**
   * client-go metadata informers (PartialObjectMetadata, which client-go asks for in protobuf first):
   * served from the resource's cache — the JSON cache, whose objects' metadata is re-encoded once per
   * object — so twenty cost one upstream feed.
   */
  @ParameterizedTest(name = "WatchListClient={0}")
  @ValueSource(booleans = {true, false})
  void metadataInformersAreServedFromTheCache(boolean watchList, LocalCluster cluster, KubernetesClient direct) throws Exception {
    Comparison c = compare(cluster, direct, watchList, ContentType.METADATA, CacheStart.COLD);
    assertThat(c.passedUpstream()).as("requests Breakwater passed upstream").isZero();
    assertThat(c.watchesFromCache()).as("informer WATCHes served from the cache").isEqualTo(INFORMERS);
    assertThat(c.listsFromCache()).as("informer LISTs served from the cache").isEqualTo(watchList ? 0 : INFORMERS);
    assertThat(c.cached().watchesOpen()).as("upstream WATCHes open: the cache's, perhaps a progress watch ending").isBetween(1L, 2L);
  }

  /**
   * Informers that start together with Breakwater, so their first requests start the cache. A WATCH
   * that arrives while the cache is starting waits for it (as a LIST does, up to 10 s; then the
   * apiserver's 429) instead of being handed upstream for its whole life (client-go: 5–10 min).
   */
  @ParameterizedTest(name = "WatchListClient={0}")
  @ValueSource(booleans = {true, false})
  void jsonInformersStartingTheCacheCostTheUpstreamOneCacheFeed(boolean watchList, LocalCluster cluster, KubernetesClient direct)
      throws Exception {
    Comparison c = compare(cluster, direct, watchList, ContentType.JSON, CacheStart.COLD);
    assertThat(c.cached().watchesOpen()).as("upstream WATCHes open: the cache's, perhaps a progress watch ending").isBetween(1L, 2L);
    assertThat(c.watchesFromCache()).as("informer WATCHes served from the cache").isEqualTo(INFORMERS);
  }

  /** Runs the informers direct, then through a fresh Breakwater with the cache on, and checks they behave the same. */
  private static Comparison compare(LocalCluster cluster, KubernetesClient direct, boolean watchList, ContentType contentType,
                                    CacheStart cacheStart) throws Exception {
    String ns = "client-go-%s-%s-watchlist-%s".formatted(contentType, cacheStart, watchList ? "on" : "off").toLowerCase(Locale.ROOT);
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 10; i++) {
      templates(direct, ns).resource(template("pre-" + i)).create();
    }
    // Nothing else watches podtemplates, so the counts below are absolute.
    assertThat(UpstreamMetrics.scrape(cluster).longRunning(RESOURCE, "WATCH")).as("upstream WATCHes on " + RESOURCE + " at rest")
        .isZero();

    Run control = run("direct", cluster, direct, ns, InformerProbe.kubeconfig(cluster.kubeconfig()), watchList, contentType,
        Optional.empty());
    // The control's connections are closed; wait until the apiserver has let go of their WATCHes.
    await().atMost(Duration.ofSeconds(30)).until(() -> UpstreamMetrics.scrape(cluster).longRunning(RESOURCE, "WATCH") == 0);
    CachePolicy policy = cacheStart == CacheStart.WARM
        ? new CachePolicy(Set.of(), Set.of(), Set.of(RESOURCE), CachePolicy.DEFAULT.idleTimeout()) : CachePolicy.DEFAULT;
    Comparison c;
    try (Breakwater bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withCachePolicy(policy))) {
      if (cacheStart == CacheStart.WARM) {
        awaitCacheServes(bw, ns);
      }
      var stats = bw.server().readStats().orElseThrow();
      long listsBefore = stats.listsFromCache.get();
      Run cached = run("breakwater", cluster, direct, ns, InformerProbe.server(bw.url()), watchList, contentType, Optional.of(bw));
      c = new Comparison(control, cached, stats.listsFromCache.get() - listsBefore, stats.watchesFromCache.get(),
          stats.passedUpstream.get(), stats.coalesced.get());
    }
    System.out.printf("%d client-go informers on %s, WatchListClient=%s, content type %s, cache %s:%n  %s%n  %s%n  Breakwater: "
            + "lists=%d watches=%d from the cache, passed upstream=%d; its own upstream requests: reflector=%d, current-RV probes=%d%n",
        INFORMERS, RESOURCE, watchList, contentType, cacheStart, c.direct(), c.cached(), c.listsFromCache(), c.watchesFromCache(),
        c.passedUpstream(), c.cached().reflectorRequests(), c.cached().probes());

    // The informers send the same requests either way, and client-go's WatchListClient decides which.
    assertThat(c.cached().requestShapes()).as("each informer's requests through Breakwater").isEqualTo(c.direct().requestShapes());
    String path = "GET /api/v1/namespaces/" + ns + "/" + RESOURCE + "?";
    List<String> expected = watchList
        ? List.of(path + "allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true"
            + "&timeoutSeconds=T&watch=true 200")
        : List.of(path + "limit=500&resourceVersion=0 200",
            path + "allowWatchBookmarks=true&resourceVersion=N&timeoutSeconds=T&watch=true 200");
    assertThat(c.direct().requestShapes()).as("each client-go informer's requests").containsExactlyElementsOf(expected);
    return c;
  }

  /** Runs the informers against {@code target}, churns upstream, and waits until each holds exactly the upstream's state. */
  private static Run run(String label, LocalCluster cluster, KubernetesClient direct, String ns, List<String> target, boolean watchList,
                         ContentType contentType, Optional<Breakwater> bw) throws Exception {
    UpstreamMetrics before = UpstreamMetrics.scrape(cluster);
    try (InformerProbe probe = InformerProbe.start(target, RESOURCE, ns, INFORMERS, watchList, contentType)) {
      InformerProbe.Synced synced = probe.awaitSynced(Duration.ofSeconds(70));
      assertThat(synced.informers()).isEqualTo(INFORMERS);
      assertThat(synced.watchListClient()).as("client-go's WatchListClient feature in the probe").isEqualTo(watchList);

      var templates = templates(direct, ns);
      for (int i = 0; i < 10; i++) {
        templates.resource(template(label + "-" + i)).create();
        templates.withName("pre-" + i)
            .edit(t -> new PodTemplateBuilder(t).editMetadata().addToLabels("round", label).endMetadata().build());
        if (i % 2 == 0) {
          templates.withName(label + "-" + i).delete();
        }
      }
      // Read before this test's own LIST below; only the informers' verbs (the churn above wrote, and read, directly).
      // Breakwater's own upstream requests are read right after: none start once the informers have synced and the
      // progress supply their consistent WatchLists demanded has lingered out (10 s) and its last watches have
      // ended (each at its bookmark, ≤ 3 s), so none is opened in between.
      if (bw.isPresent()) {
        var manager = bw.get().server().caches().orElseThrow();
        var resource = manager.resource("", "v1", RESOURCE).toCompletionStage().toCompletableFuture()
            .get(10, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
        for (boolean protobuf : new boolean[] {false, true}) {
          if (manager.running(resource, protobuf)) {
            var supply = manager.cacheFor(resource, protobuf).progressSupply();
            await().atMost(Duration.ofSeconds(30)).until(() -> !supply.active() && supply.openStreams() == 0);
          }
        }
      }
      UpstreamMetrics after = UpstreamMetrics.scrape(cluster);
      String bwMetrics = bw.isPresent() ? breakwaterMetrics(bw.get()) : "";
      long watchesOpen = after.longRunning(RESOURCE, "WATCH"); // all of them: none at rest (compare() checked)
      Map<String, Long> requests = UpstreamMetrics.delta(before.requestsByVerb(RESOURCE), after.requestsByVerb(RESOURCE));
      requests.keySet().retainAll(List.of("LIST", "WATCH"));

      Map<String, String> expected = new TreeMap<>();
      templates.list().getItems().forEach(t -> expected.put(ns + "/" + t.getMetadata().getName(), t.getMetadata().getResourceVersion()));
      assertThat(expected).containsKeys(ns + "/pre-0", ns + "/" + label + "-1").doesNotContainKey(ns + "/" + label + "-0");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        List<Map<String, String>> stores = probe.dump();
        assertThat(stores).hasSize(INFORMERS);
        for (int i = 0; i < stores.size(); i++) {
          assertThat(stores.get(i)).as("informer %d's store (%s)", i, label).isEqualTo(expected);
        }
      });

      List<InformerProbe.Requests> sent = probe.requests();
      List<String> shapes = shapes(sent.getFirst().requests());
      for (InformerProbe.Requests r : sent) {
        assertThat(shapes(r.requests())).as("informer %d sent what informer 0 sent (%s)", r.informer(), label).isEqualTo(shapes);
        // Independence: each informer dialed its own connection(s).
        assertThat(r.dials()).as("connections informer %d dialed (%s)", r.informer(), label).isPositive();
      }
      long dials = sent.stream().mapToLong(InformerProbe.Requests::dials).sum();
      return new Run(label, requests, watchesOpen, (long) metric(bwMetrics, "breakwater_upstream_requests_total{kind=\"reflector\"}"),
          (long) metric(bwMetrics, "breakwater_upstream_requests_total{kind=\"probe\"}"), synced.millis(), dials, shapes);
    }
  }

  static NonNamespaceOperation<PodTemplate, PodTemplateList, Resource<PodTemplate>> templates(KubernetesClient client, String ns) {
    return client.resources(PodTemplate.class, PodTemplateList.class).inNamespace(ns);
  }

  static PodTemplate template(String name) {
    return new PodTemplateBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("example.invalid/c").endContainer().endSpec()
        .endTemplate().build();
  }

  /** Requests with what differs between runs replaced: the (random) watch timeout and a watch's resourceVersion. */
  static List<String> shapes(List<String> requests) {
    return requests.stream()
        .map(r -> r.replaceAll("timeout=[^&]*&timeoutSeconds=\\d+", "timeoutSeconds=T")
            .replaceAll("resourceVersion=[1-9]\\d*", "resourceVersion=N"))
        .toList();
  }

  /** Waits until the warmed cache serves: a JSON LIST {@code resourceVersion=0} waits for a starting cache, then is served from it. */
  static void awaitCacheServes(Breakwater bw, String ns) throws Exception {
    try (HttpClient http = RawHttp.plain()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/namespaces/" + ns + "/" + RESOURCE
          + "?resourceVersion=0")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("LIST through Breakwater: %s", r.body()).isEqualTo(200);
    }
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get()).as("LIST served from the warmed cache").isEqualTo(1);
  }

  static String breakwaterMetrics(Breakwater bw) throws Exception {
    try (HttpClient http = RawHttp.plain()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  /** A counter from Breakwater's /metrics; 0 when the series does not exist yet. */
  static double metric(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }
}
