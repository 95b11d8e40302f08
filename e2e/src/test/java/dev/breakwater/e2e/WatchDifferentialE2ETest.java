package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WATCH served from the cache against the apiserver: the same watch opened on both sides at the
 * same resourceVersion sees the same events, byte for byte — including a label selector's
 * entry (ADDED) and exit (DELETED with the previous state at the event's RV); WatchLists send
 * the same initial state in key order and the initial-events-end bookmark; kubectl get -w works.
 */
@ExtendWith(ClusterExtension.class)
class WatchDifferentialE2ETest {

  static final String NS = "watchdiff";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 5; i++) {
      k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("init-" + i)
          .addToLabels("team", i % 2 == 0 ? "a" : "b").endMetadata().build()).serverSideApply();
    }
    bw = Breakwater.start(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true));
    direct = RawHttp.direct(c);
    plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    await().atMost(Duration.ofSeconds(30)).until(() -> plain.send(HttpRequest.newBuilder(URI.create(bw.url() + "/api/v1/configmaps?resourceVersion=0"))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  /** Reads a watch's lines until it ends (timeoutSeconds). */
  public static CompletableFuture<List<String>> collect(HttpClient http, URI uri) throws Exception {
    HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    List<String> lines = new CopyOnWriteArrayList<>();
    return CompletableFuture.supplyAsync(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
        return lines;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  static long currentRv() throws Exception {
    return Long.parseLong(JSON.readTree(direct.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/namespaces/" + NS + "/configmaps?limit=1"))
        .build(), HttpResponse.BodyHandlers.ofString()).body()).path("metadata").path("resourceVersion").asText());
  }

  static long watchesFromCache() {
    return bw.server().readStats().orElseThrow().watchesFromCache.get();
  }

  @Test
  void sameEventsFromTheSameRv(KubernetesClient k) throws Exception {
    for (String selector : List.of("", "team=a")) {
      long served = watchesFromCache();
      long rv = currentRv();
      String q = "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=4&resourceVersion=" + rv
          + (selector.isEmpty() ? "" : "&labelSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
      CompletableFuture<List<String>> up = collect(direct, cluster.server().resolve(q));
      CompletableFuture<List<String>> through = collect(plain, URI.create(bw.url() + q));
      String name = "w-" + (selector.isEmpty() ? "all" : "sel");
      var cms = k.configMaps().inNamespace(NS);
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels("team", "b").endMetadata().build()).create();
      cms.withName(name).edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("team", "a").endMetadata().build()); // enters team=a
      cms.withName(name).edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
      cms.withName(name).edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("team", "b").endMetadata().build()); // exits team=a
      cms.withName(name).delete();
      List<String> u = up.get(20, TimeUnit.SECONDS);
      List<String> t = through.get(20, TimeUnit.SECONDS);
      List<String> uEvents = u.stream().filter(l -> !l.contains("\"BOOKMARK\"")).toList();
      assertThat(uEvents).as("upstream saw the changes (%s)", selector).hasSizeGreaterThanOrEqualTo(selector.isEmpty() ? 5 : 3);
      assertThat(t.stream().filter(l -> !l.contains("\"BOOKMARK\"")).toList()).as("selector %s", selector).isEqualTo(uEvents);
      assertThat(watchesFromCache()).as("served from the cache").isEqualTo(served + 1);
    }
  }

  /**
   * {@code sendInitialEvents=false} (issue 17): no initial state, events from the upstream's current
   * RV (RV unset), from "any" RV (0) or from N — served from the cache, the same events as direct.
   */
  @Test
  void watchesWithoutInitialEventsSeeTheSameEvents(KubernetesClient k) throws Exception {
    for (String rv : List.of("", "0", "N")) {
      String rvParam = rv.isEmpty() ? "" : "&resourceVersion=" + (rv.equals("N") ? String.valueOf(currentRv()) : rv);
      long served = watchesFromCache();
      String q = "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=5&sendInitialEvents=false"
          + "&resourceVersionMatch=NotOlderThan" + rvParam;
      CompletableFuture<List<String>> up = collect(direct, cluster.server().resolve(q));
      CompletableFuture<List<String>> through = collect(plain, URI.create(bw.url() + q));
      String name = "noinit-" + (rv.isEmpty() ? "unset" : rv.toLowerCase(java.util.Locale.ROOT));
      var cms = k.configMaps().inNamespace(NS);
      cms.resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
      cms.withName(name).edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
      cms.withName(name).delete();
      List<String> u = up.get(20, TimeUnit.SECONDS).stream().filter(l -> !l.contains("\"BOOKMARK\"")).toList();
      List<String> t = through.get(20, TimeUnit.SECONDS).stream().filter(l -> !l.contains("\"BOOKMARK\"")).toList();
      assertThat(u).as("upstream %s: only the three changes", q).hasSize(3);
      assertThat(t).as(q).isEqualTo(u);
      assertThat(watchesFromCache()).as("served from the cache: %s", q).isEqualTo(served + 1);
    }
  }

  @Test
  void webSocketWatchesCarryTheSameMessages(KubernetesClient k) throws Exception {
    long rv = currentRv();
    String q = "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=3&resourceVersion=" + rv;
    long served = watchesFromCache();
    CompletableFuture<List<String>> up = dev.breakwater.e2e.support.WebSockets.texts(direct, URI.create(cluster.server().toString().replace("https:", "wss:") + q), null);
    CompletableFuture<List<String>> through = dev.breakwater.e2e.support.WebSockets.texts(plain, URI.create(bw.url().replace("http:", "ws:") + q), null);
    Thread.sleep(300);
    var cms = k.configMaps().inNamespace(NS);
    cms.resource(new ConfigMapBuilder().withNewMetadata().withName("ws-1").endMetadata().build()).create();
    cms.withName("ws-1").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
    cms.withName("ws-1").delete();
    List<String> u = up.get(20, TimeUnit.SECONDS);
    List<String> t = through.get(20, TimeUnit.SECONDS);
    assertThat(u).as("upstream messages").hasSizeGreaterThanOrEqualTo(3);
    assertThat(t).isEqualTo(u);
    assertThat(watchesFromCache()).as("served from the cache").isEqualTo(served + 1);
  }

  @Test
  void watchListsSendTheSameInitialStateAndBookmark() throws Exception {
    for (String q : List.of("/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=2&allowWatchBookmarks=true&resourceVersion=0",
        "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=2&allowWatchBookmarks=true",
        "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=2&allowWatchBookmarks=true&sendInitialEvents=true"
            + "&resourceVersionMatch=NotOlderThan&labelSelector=team%3Db",
        "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=2&resourceVersion=0")) {
      long served = watchesFromCache();
      List<String> u = collect(direct, cluster.server().resolve(q)).get(20, TimeUnit.SECONDS);
      List<String> t = collect(plain, URI.create(bw.url() + q)).get(20, TimeUnit.SECONDS);
      assertThat(watchesFromCache()).as("served from the cache: " + q).isEqualTo(served + 1);
      List<String> uAdded = u.stream().filter(l -> l.startsWith("{\"type\":\"ADDED\"")).toList();
      assertThat(uAdded).as(q).isNotEmpty();
      assertThat(t.stream().filter(l -> l.startsWith("{\"type\":\"ADDED\"")).toList()).as(q).isEqualTo(uAdded);
      List<JsonNode> uEnd = initialEventsEnd(u);
      List<JsonNode> tEnd = initialEventsEnd(t);
      assertThat(tEnd).as(q).hasSameSizeAs(uEnd);
      if (!uEnd.isEmpty()) {
        assertThat(tEnd.getFirst().path("object").path("kind").asText()).isEqualTo("ConfigMap");
        // The bookmark follows the state, as upstream's does.
        assertThat(t.indexOf(t.stream().filter(l -> l.contains("initial-events-end")).findFirst().orElseThrow()))
            .isEqualTo(uAdded.size());
      }
    }
  }

  static List<JsonNode> initialEventsEnd(List<String> lines) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : lines) {
      if (l.contains("k8s.io/initial-events-end")) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  @Test
  void kubectlGetWatchThroughBreakwater(KubernetesClient k) throws Exception {
    Process watch = new Kubectl(bw.kubeconfig()).start("get", "configmaps", "-n", NS, "-w", "-o", "name");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8));
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        seen.add(out.readLine());
      }
      assertThat(seen).contains("configmap/init-0", "configmap/init-4");
      k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("kubectl-w").endMetadata().build()).create();
      String line;
      while ((line = out.readLine()) != null && !line.equals("configmap/kubectl-w")) {
        seen.add(line);
      }
      assertThat(line).isEqualTo("configmap/kubectl-w");
    } finally {
      watch.destroy();
      watch.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
