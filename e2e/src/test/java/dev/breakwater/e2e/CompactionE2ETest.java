package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Clusters;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.Etcd;
import dev.breakwater.e2e.support.RawHttp;
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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a continue token whose resourceVersion etcd compacted away. The apiserver drops its
 * snapshots when it sees the compaction (it polls etcd every 15 s) and then answers the continue
 * 410 Expired with an "inconsistent" continue token (rv −1); that token continues the list from the
 * current state. Through Breakwater the same: its compactor probes the upstream's oldest held
 * revision (an Exact LIST ?limit=1), drops older snapshots, and the continue goes upstream, whose
 * 410 body it is; the inconsistent token is served from the cache, with the same items and
 * remainingItemCount as direct. Own cluster: compacting etcd must not disturb the shared one.
 */
class CompactionE2ETest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String NS = "compaction";
  static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";

  static LocalCluster cluster;
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;

  @BeforeAll
  static void setUp() throws Exception {
    cluster = Clusters.startPrivate(LocalCluster.builder());
    KubernetesClient admin = ClusterExtension.direct(cluster);
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 6; i++) {
      admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("c" + i).endMetadata().build())
          .serverSideApply();
    }
    bw = Breakwater.start(Breakwater.config(cluster.kubeconfig(), Optional.empty()).withCacheReads(true));
    direct = RawHttp.direct(cluster);
    plain = RawHttp.plain();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(plain, URI.create(bw.url() + CMS + "?resourceVersion=0")).statusCode() == 200);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static HttpResponse<byte[]> get(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).header("Accept", "application/json").header("User-Agent", "breakwater-e2e")
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<byte[]> r) {
    try {
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> names(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
    return out;
  }

  @Test
  void aCompactedContinueIs410WithTheInconsistentTokenWhichContinuesFromCurrentState() throws Exception {
    KubernetesClient admin = ClusterExtension.direct(cluster);
    HttpResponse<byte[]> firstDirect = get(direct, cluster.server().resolve(CMS + "?limit=2"));
    HttpResponse<byte[]> firstThrough = get(plain, URI.create(bw.url() + CMS + "?limit=2"));
    assertThat(firstDirect.statusCode()).isEqualTo(200);
    assertThat(firstThrough.statusCode()).isEqualTo(200);
    String tokenDirect = json(firstDirect).path("metadata").path("continue").asText();
    String tokenThrough = json(firstThrough).path("metadata").path("continue").asText();
    assertThat(names(json(firstThrough))).isEqualTo(names(json(firstDirect))).containsExactly("c0", "c1");
    // Before the compaction Breakwater answers the continue from its snapshot.
    long upstreamBefore = bw.server().readStats().orElseThrow().passedUpstream.get();
    assertThat(get(plain, URI.create(bw.url() + CMS + "?limit=2&continue=" + tokenThrough)).statusCode()).isEqualTo(200);
    assertThat(bw.server().readStats().orElseThrow().passedUpstream.get()).isEqualTo(upstreamBefore);

    // A write after the first page (the inconsistent list shows it) and one deletion, then compact.
    admin.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("c3a").endMetadata().build())
        .serverSideApply();
    admin.configMaps().inNamespace(NS).withName("c4").delete();
    long compacted = compactAsTheApiserverDoes();
    long start = System.nanoTime();

    HttpResponse<byte[]>[] d = new HttpResponse[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
      d[0] = get(direct, cluster.server().resolve(CMS + "?limit=2&continue=" + tokenDirect));
      return d[0].statusCode() == 410;
    });
    Duration directTook = Duration.ofNanos(System.nanoTime() - start);
    HttpResponse<byte[]>[] t = new HttpResponse[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
      t[0] = get(plain, URI.create(bw.url() + CMS + "?limit=2&continue=" + tokenThrough));
      return t[0].statusCode() == 410;
    });
    Duration throughTook = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("compacted at %d: apiserver 410 after %s, Breakwater 410 after %s, %s compaction probes%n", compacted,
        directTook, throughTook, metric("breakwater_upstream_requests_total{kind=\"compaction-probe\"}"));
    // Both tokens start at the same key, so the 410 bodies (with the rv -1 token) are the same bytes.
    Differential.assertSame(CMS + "?continue=<compacted>", "application/json", d[0], t[0]);
    JsonNode status = json(t[0]);
    assertThat(status.path("reason").asText()).isEqualTo("Expired");
    String inconsistent = status.path("metadata").path("continue").asText();
    assertThat(inconsistent).isNotEmpty();

    // The inconsistent token: the current state from the token's key, limit and remainingItemCount honoured.
    for (String q : List.of("?limit=2&continue=" + inconsistent, "?continue=" + inconsistent, "?limit=1&continue=" + inconsistent)) {
      JsonNode u = json(get(direct, cluster.server().resolve(CMS + q)));
      HttpResponse<byte[]> through = get(plain, URI.create(bw.url() + CMS + q));
      assertThat(through.statusCode()).as(q).isEqualTo(200);
      JsonNode b = json(through);
      assertThat(names(b)).as(q).isEqualTo(names(u));
      assertThat(b.path("metadata").path("remainingItemCount").toString()).as(q)
          .isEqualTo(u.path("metadata").path("remainingItemCount").toString());
      assertThat(b.path("metadata").path("continue").asText().isEmpty()).as(q).isEqualTo(u.path("metadata").path("continue").asText().isEmpty());
    }
    assertThat(names(json(get(plain, URI.create(bw.url() + CMS + "?limit=2&continue=" + inconsistent))))).containsExactly("c2", "c3");
  }

  /**
   * What the apiserver's compactor does every {@code --etcd-compaction-interval}: record the revision
   * under {@code compact_rev_key} (every apiserver watches that key and drops its snapshots below it,
   * polled every 15 s) and compact etcd there. A bare etcd compaction leaves the apiserver serving its
   * snapshots, so it would not be the case under test.
   */
  static long compactAsTheApiserverDoes() throws Exception {
    long rev = Etcd.currentRevision(cluster);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String key = b64.encodeToString("compact_rev_key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String value = b64.encodeToString(Long.toString(rev).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    etcd("/v3/kv/put", "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
    etcd("/v3/kv/compaction", "{\"revision\":\"" + rev + "\",\"physical\":true}");
    return rev;
  }

  static void etcd(String path, String body) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.etcdClientUrl().resolve(path)).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("etcd %s: %s", path, r.body()).isEqualTo(200);
    }
  }

  static double metric(String series) throws Exception {
    String text;
    try (HttpClient http = RawHttp.plain()) {
      text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bw.adminPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }
}
