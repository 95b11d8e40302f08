package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.FaultyTcpProxy;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 1: reads during an upstream outage (the apiserver killed, its port refusing connections), through
 * two Breakwaters in front of the same apiserver — one as configured by default, one with
 * {@code --serve-stale-on-outage}. Both serve RV=0, NotOlderThan, Exact and continue reads from the cache throughout.
 * A consistent read (RV unset) gets, by default, exactly what a pass-through gets from a dead upstream (the 503
 * {@code ServiceUnavailable} Status); with the flag, once the feed has been unavailable for 5 s, it is served from the
 * cache with {@code Warning: 299 - "served from cache while the upstream is unavailable: …"} and counted as
 * {@code served="stale"}. Once the apiserver is back, consistent reads are exact again (write, then read) and carry
 * no Warning. Uses its own cluster (it kills the apiserver).
 */
class StaleReadsE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "stale";
  static final Pattern WARNING = Pattern.compile(
      "299 - \"served from cache while the upstream is unavailable: may be stale \\(resourceVersion (\\d+)\\)\"");

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

  static Breakwater breakwater(boolean serveStale) {
    return Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withCachePolicy(CachePolicy.DEFAULT.withServeStaleOnOutage(serveStale)));
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String names(String listBody) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : JSON.readTree(listBody).path("items")) {
      sb.append(item.path("metadata").path("name").asText()).append(' ');
    }
    return sb.toString().trim();
  }

  @Test
  void duringAnOutageConsistentReadsFailLikeThePassThroughOrAreServedStaleWithTheFlag() throws Exception {
    try (Breakwater strict = breakwater(false); Breakwater stale = breakwater(true); HttpClient http = RawHttp.plain();
         KubernetesClient direct = ClusterExtension.direct(cluster)) {
      direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
      for (int i = 0; i < 3; i++) {
        direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("s-" + i).endMetadata()
            .build()).create();
      }
      List<Breakwater> both = List.of(strict, stale);
      long[] listRv = new long[2];
      String[] token = new String[2];
      for (int b = 0; b < 2; b++) {
        String base = both.get(b).url() + "/api/v1/namespaces/" + NS + "/configmaps";
        HttpResponse<String> before = get(http, base);
        assertThat(before.statusCode()).isEqualTo(200);
        assertThat(names(before.body())).isEqualTo("s-0 s-1 s-2");
        listRv[b] = JSON.readTree(before.body()).path("metadata").path("resourceVersion").asLong();
        token[b] = JSON.readTree(get(http, base + "?limit=1").body()).path("metadata").path("continue").asText();
        assertThat(token[b]).isNotEmpty();
      }

      cluster.killApiServer();
      long down = System.nanoTime();
      try {
        for (int b = 0; b < 2; b++) {
          String base = both.get(b).url() + "/api/v1/namespaces/" + NS + "/configmaps";
          for (String q : List.of("?resourceVersion=0", "?resourceVersion=" + listRv[b] + "&resourceVersionMatch=NotOlderThan",
              "?resourceVersion=" + listRv[b] + "&resourceVersionMatch=Exact", "?limit=1&continue=" + token[b],
              "/s-1?resourceVersion=0")) {
            HttpResponse<String> r = get(http, base + q);
            assertThat(r.statusCode()).as(b + q).isEqualTo(200);
            assertThat(r.body()).as(b + q).contains("\"name\":\"s-");
            assertThat(r.headers().firstValue("Warning")).as(b + q).isEmpty();
          }
        }

        // Without the flag: the consistent read's answer is the pass-through's — same code, reason, message form.
        HttpResponse<String> notCached = http.send(HttpRequest.newBuilder(URI.create(strict.url() + "/api/v1/namespaces/" + NS
            + "/configmaps")).POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(notCached.statusCode()).isEqualTo(503);
        for (String path : List.of("/api/v1/namespaces/" + NS + "/configmaps", "/api/v1/namespaces/" + NS + "/configmaps/s-1")) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = get(http, strict.url() + path);
          assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(path).isLessThan(Duration.ofSeconds(8));
          assertThat(r.statusCode()).as(path).isEqualTo(503);
          assertThat(r.headers().firstValue("Warning")).isEmpty();
          assertThat(r.body()).as(path).isEqualTo(notCached.body())
              .startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                  + "\"message\":\"error trying to reach upstream ")
              .endsWith(",\"reason\":\"ServiceUnavailable\",\"code\":503}\n");
        }

        // With the flag: once the feed has been unavailable for 5 s, served from the cache with the Warning.
        String base = stale.url() + "/api/v1/namespaces/" + NS + "/configmaps";
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> first = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          first.set(get(http, base));
          assertThat(first.get().statusCode()).isEqualTo(200);
        });
        HttpResponse<String> served = first.get();
        Duration afterOutage = Duration.ofNanos(System.nanoTime() - down);
        System.out.println("StaleReadsE2ETest: first stale consistent read " + afterOutage.toMillis() + " ms after the kill");
        assertThat(afterOutage).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
        Matcher w = WARNING.matcher(served.headers().firstValue("Warning").orElse(""));
        assertThat(w.matches()).as(served.headers().map().toString()).isTrue();
        assertThat(names(served.body())).isEqualTo("s-0 s-1 s-2");
        assertThat(JSON.readTree(served.body()).path("metadata").path("resourceVersion").asText()).isEqualTo(w.group(1));
        HttpResponse<String> one = get(http, base + "/s-1");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.headers().firstValue("Warning").orElse("")).matches(WARNING);
        assertThat(one.body()).contains("\"name\":\"s-1\"");
        HttpResponse<InputStream> watchList = http.send(HttpRequest.newBuilder(URI.create(base + "?watch=1&timeoutSeconds=5"))
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(watchList.statusCode()).isEqualTo(200);
        assertThat(watchList.headers().firstValue("Warning").orElse("")).matches(WARNING);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(watchList.body(), StandardCharsets.UTF_8))) {
          assertThat(in.readLine()).startsWith("{\"type\":\"ADDED\"").contains("\"name\":\"s-0\"");
        }
        // The strict one still fails them.
        assertThat(get(http, strict.url() + "/api/v1/namespaces/" + NS + "/configmaps").statusCode()).isEqualTo(503);
        String metrics = get(http, "http://127.0.0.1:" + stale.adminPort() + "/metrics").body();
        assertThat(metrics).containsPattern(
            "breakwater_requests_total\\{resource=\"configmaps\",served=\"stale\",verb=\"list\"\\} [1-9]");
        assertThat(metrics).containsPattern("breakwater_requests_total\\{resource=\"configmaps\",served=\"stale\",verb=\"get\"\\} 1");
      } finally {
        cluster.startApiServer();
      }

      // Back: consistent reads are exact again — every write before a read is in it — and never marked stale.
      for (int i = 0; i < 5; i++) {
        direct.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("after-" + i).endMetadata()
            .build()).create();
        for (Breakwater bw : both) {
          HttpResponse<String> r = get(http, bw.url() + "/api/v1/namespaces/" + NS + "/configmaps");
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("Warning")).isEmpty();
          assertThat(names(r.body())).contains("after-" + i);
          HttpResponse<String> g = get(http, bw.url() + "/api/v1/namespaces/" + NS + "/configmaps/after-" + i);
          assertThat(g.statusCode()).isEqualTo(200);
          assertThat(g.headers().firstValue("Warning")).isEmpty();
        }
      }
    }
  }

  /**
   * A merely slow upstream is not an outage: with the apiserver up but every byte between it and Breakwater held
   * (connections accepted, nothing answered) for longer than the 5 s threshold, a consistent read through a
   * Breakwater with {@code --serve-stale-on-outage} is never served stale — its probe times out (slow), its feed never
   * failed — while RV=0 reads are still served from the cache; once the link heals, consistent reads are exact.
   */
  @Test
  void aStalledUpstreamIsNotAnOutage() throws Exception {
    try (FaultyTcpProxy link = new FaultyTcpProxy(cluster.apiServerPort());
         Breakwater bw = Breakwater.start(Breakwater.config(link.kubeconfig(cluster.kubeconfig(), cluster.apiServerPort()),
             Optional.empty()).withCacheReads(true).withCachePolicy(CachePolicy.DEFAULT.withServeStaleOnOutage(true)));
         HttpClient http = RawHttp.plain(); KubernetesClient direct = ClusterExtension.direct(cluster)) {
      direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("slow").endMetadata().build()).serverSideApply();
      direct.configMaps().inNamespace("slow").resource(new ConfigMapBuilder().withNewMetadata().withName("s").endMetadata().build())
          .create();
      String base = bw.url() + "/api/v1/namespaces/slow/configmaps";
      assertThat(names(get(http, base).body())).isEqualTo("s");

      link.stall();
      try {
        Thread.sleep(6_000);
        assertThat(get(http, base + "?resourceVersion=0").statusCode()).isEqualTo(200);
        long t0 = System.nanoTime();
        HttpResponse<String> r;
        try {
          r = http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(8)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException e) {
          r = null; // still waiting for the hung upstream: not served stale either
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("StaleReadsE2ETest: consistent read on a stalled upstream: "
            + (r == null ? "no answer in 8 s" : r.statusCode() + " after " + took.toMillis() + " ms"));
        assertThat(took).as("it waited its 3 s bound first").isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
        if (r != null) {
          assertThat(r.statusCode()).isNotEqualTo(200);
          assertThat(r.headers().firstValue("Warning")).isEmpty();
        }
        String metrics = get(http, "http://127.0.0.1:" + bw.adminPort() + "/metrics").body();
        assertThat(metrics).doesNotContain("served=\"stale\"");
      } finally {
        link.heal();
      }
      direct.configMaps().inNamespace("slow").resource(new ConfigMapBuilder().withNewMetadata().withName("t").endMetadata().build())
          .create();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> r = get(http, base);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Warning")).isEmpty();
        assertThat(names(r.body())).isEqualTo("s t");
      });
    }
  }
}
