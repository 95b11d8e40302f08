package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.cacher.Cacher;
import dev.breakwater.config.CachePolicy;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16 item 4: the periodic consistency check against the real apiserver. Breakwater runs with
 * {@code --cache-consistency-check-interval=2s}; its configmaps cache is first found consistent (an Exact
 * PartialObjectMetadataList at the cache's RV, counted {@code match}). Then the cache is made to diverge for real:
 * there is no honest way to make the apiserver's watch diverge from its own Exact LIST (a write straight to etcd
 * reaches both through the apiserver's etcd watch), so a test hook in Breakwater's reflector loses the next
 * upstream event — the cache RV moves past a create the store never applies, which is what a lost event does.
 * The next round finds the difference ({@code mismatch}), the cache relists, an open watch through Breakwater
 * receives the missing object as an ordinary ADDED (no 410, the stream stays open), reads from the cache serve
 * the upstream's state again, and the next round is a {@code match}.
 */
@ExtendWith(ClusterExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsistencyCheckE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "consistency-check";
  static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  static LocalCluster cluster;
  static KubernetesClient admin;
  static Breakwater bw;
  static HttpClient plain;

  @BeforeAll
  static void setUp(LocalCluster c) throws Exception {
    cluster = c;
    admin = ClusterExtension.direct(c);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 3; i++) {
      admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i).endMetadata()
          .addToData("k", "v" + i).build()).serverSideApply();
    }
    bw = Breakwater.start(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)
        .withCachePolicy(new CachePolicy(Set.of("configmaps"), Set.of(), Set.of("configmaps"), CachePolicy.DEFAULT.idleTimeout())
            .withConsistencyCheckInterval(Duration.ofSeconds(2))));
    plain = RawHttp.plain();
    await().atMost(Duration.ofSeconds(30)).until(() -> get(CMS + "?resourceVersion=0").statusCode() == 200);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    if (admin != null) {
      admin.namespaces().withName(NS).delete();
      admin.close();
    }
  }

  static HttpResponse<byte[]> get(String pathAndQuery) {
    try {
      return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + pathAndQuery)).header("Accept", "application/json")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> names(HttpResponse<byte[]> list) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(list.body()).path("items").forEach(i -> out.add(i.path("metadata").path("name").asText() + "@"
        + i.path("metadata").path("resourceVersion").asText()));
    return out;
  }

  /** Breakwater's own /metrics on the admin listener. */
  static String scrape() throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** One sample of a scrape: {@code name{labels…} value}, labels given in Micrometer's (alphabetical) order. */
  static double sample(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("^" + Pattern.quote(name + "{" + labels) + ",?\\} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static double checks(String result) throws Exception {
    return sample(scrape(), "breakwater_cache_consistency_checks_total", "resource=\"configmaps\",result=\"" + result + "\"");
  }

  @Test
  void aLostEventIsFoundByTheNextCheckAndTheCacheIsRebuiltWithoutDisturbingItsWatchers() throws Exception {
    long start = System.nanoTime();
    // 1. A consistent cache: the check passes.
    await().atMost(Duration.ofSeconds(15)).until(() -> checks("match") >= 1);
    String first = scrape();
    assertThat(sample(first, "breakwater_upstream_requests_total", "kind=\"consistency-check\"")).isGreaterThanOrEqualTo(1);
    assertThat(checks("mismatch")).isZero();
    assertThat(checks("error")).isZero();

    var caches = bw.server().caches().orElseThrow();
    var resource = caches.resource("", "v1", "configmaps").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .orElseThrow();
    Cacher cacher = caches.cacheFor(resource);
    long relistsBefore = cacher.reflector().relists();

    // 2. A watch through Breakwater from the cache's RV, read line by line.
    long fromRv = cacher.state().resourceVersion();
    List<String> watched = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> watch = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + CMS + "?watch=1&resourceVersion="
        + fromRv + "&timeoutSeconds=60")).header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(watch.statusCode()).isEqualTo(200);
    Thread reader = Thread.ofVirtual().start(() -> {
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(watch.body()))) {
        String line;
        while ((line = lines.readLine()) != null) {
          JsonNode e = JSON.readTree(line);
          watched.add(e.path("type").asText() + " " + e.path("object").path("metadata").path("name").asText());
        }
        watched.add("END");
      } catch (Exception e) {
        watched.add("FAILED " + e);
      }
    });

    // 3. The cache loses the upstream's next event: a create.
    double mismatchesBefore = checks("mismatch");
    cacher.reflector().loseNextEventsForTest(1);
    ConfigMap lost = admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("lost")
        .endMetadata().addToData("k", "lost").build()).create();
    long lostRv = Long.parseLong(lost.getMetadata().getResourceVersion());
    await().atMost(Duration.ofSeconds(10)).until(() -> cacher.state().resourceVersion() >= lostRv);
    HttpResponse<byte[]> diverged = get(CMS + "?resourceVersion=0");
    if (checks("mismatch") == mismatchesBefore) { // else a round already found it (a window of milliseconds)
      assertThat(names(diverged)).as("served from the diverged cache").noneMatch(n -> n.startsWith("lost@"));
      assertThat(cacher.watchCache().current().store().get(NS + "/lost")).isEmpty();
    }

    // 4. The next round finds the difference, and the cache is rebuilt from the upstream.
    await().atMost(Duration.ofSeconds(15)).until(() -> checks("mismatch") >= mismatchesBefore + 1);
    await().atMost(Duration.ofSeconds(15)).until(() -> !cacher.inconsistent()
        && cacher.watchCache().current().store().get(NS + "/lost").isPresent());
    assertThat(cacher.reflector().relists()).isEqualTo(relistsBefore + 1);
    long cacheServedBefore = bw.server().readStats().orElseThrow().listsFromCache.get();
    HttpResponse<byte[]> rebuilt = get(CMS + "?resourceVersion=0");
    assertThat(rebuilt.statusCode()).isEqualTo(200);
    List<String> upstreamNames = new ArrayList<>();
    admin.configMaps().inNamespace(NS).list().getItems().forEach(cm -> upstreamNames.add(cm.getMetadata().getName() + "@"
        + cm.getMetadata().getResourceVersion()));
    assertThat(names(rebuilt)).containsExactlyElementsOf(upstreamNames).contains("lost@" + lostRv);
    assertThat(bw.server().readStats().orElseThrow().listsFromCache.get()).as("served from the rebuilt cache")
        .isEqualTo(cacheServedBefore + 1);

    // 5. The open watch got the lost object as an ordinary event and is still open: no 410, no relist for its client.
    await().atMost(Duration.ofSeconds(10)).until(() -> watched.contains("ADDED lost"));
    assertThat(watched).containsExactly("ADDED lost");

    // 6. Consistent again: the next round matches.
    double matches = checks("match");
    await().atMost(Duration.ofSeconds(15)).until(() -> checks("match") > matches);
    assertThat(checks("mismatch")).isEqualTo(mismatchesBefore + 1);
    assertThat(checks("error")).isZero();
    reader.interrupt();
    System.out.printf("consistency check e2e: %d ms, %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        scrape().lines().filter(l -> l.startsWith("breakwater_cache_consistency_checks_total")
            || l.startsWith("breakwater_upstream_requests_total{kind=\"consistency-check\"")).toList());
  }
}
