package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The differential harness for LIST and GET served from the cache: the same request sent to
 * the apiserver directly and through Breakwater (with {@code --cache}), answers compared.
 *
 * <p>Where the apiserver is deterministic the bodies must be byte-identical: reads at an exact
 * resourceVersion (items, continue tokens, remainingItemCount), GETs, every error Status. Where
 * it is not — the list RV of a consistent or RV=0 read is the server's current RV at the moment,
 * which moves with every write anywhere (the apiserver itself writes leases) — the items must be
 * identical and the RV must obey the rule of the request (≥ the RV asked for, ≥ the last write).
 */
@ExtendWith(ClusterExtension.class)
class ReadDifferentialE2ETest {

  static final String NS = "diff";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;
  static long writtenRv;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    for (String ns : List.of(NS, NS + "-2")) {
      k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
      for (int i = 0; i < 7; i++) {
        k.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
            .addToLabels("parity", i % 2 == 0 ? "even" : "odd").endMetadata().addToData("i", String.valueOf(i)).build()).serverSideApply();
        k.v1().events().inNamespace(ns).resource(new EventBuilder().withNewMetadata().withName("ev-" + i).endMetadata()
            .withNewInvolvedObject().withKind("ConfigMap").withName("cm-" + i).withNamespace(ns).endInvolvedObject()
            .withReason("R" + (i % 3)).withType(i % 2 == 0 ? "Normal" : "Warning").withMessage("m").build()).serverSideApply();
      }
    }
    writtenRv = Long.parseLong(k.configMaps().inNamespace(NS).withName("cm-6").get().getMetadata().getResourceVersion());
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    // The first reads start the caches; wait until they serve.
    for (String path : List.of("/api/v1/configmaps", "/api/v1/events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through(path + "?resourceVersion=0").statusCode() == 200
          && bw.server().caches().orElseThrow().size() > 0);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    direct.close();
    plain.close();
  }

  static HttpResponse<String> through(String pathAndQuery) throws Exception {
    return through(pathAndQuery, "breakwater-e2e");
  }

  static dev.breakwater.proxy.http.ReadStats stats() {
    return bw.server().readStats().orElseThrow();
  }

  static HttpResponse<String> through(String pathAndQuery, String userAgent) throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + pathAndQuery)).header("User-Agent", userAgent).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> upstream(String pathAndQuery) throws Exception {
    return upstream(pathAndQuery, "breakwater-e2e");
  }

  static HttpResponse<String> upstream(String pathAndQuery, String userAgent) throws Exception {
    return direct.send(HttpRequest.newBuilder(cluster.server().resolve(pathAndQuery)).header("User-Agent", userAgent).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Current RV of the configmaps collection, from a consistent upstream read. */
  static long currentRv(String collection) throws Exception {
    return Long.parseLong(JSON.readTree(upstream(collection + "?limit=1").body()).path("metadata").path("resourceVersion").asText());
  }

  @Test
  void exactReadsAreByteIdentical() throws Exception {
    long rv = currentRv("/api/v1/configmaps");
    await().atMost(Duration.ofSeconds(10)).until(() -> through("/api/v1/configmaps?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan").statusCode() == 200);
    List<String> queries = new ArrayList<>();
    for (String base : List.of("/api/v1/namespaces/" + NS + "/configmaps", "/api/v1/configmaps")) {
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact");
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=3");
      queries.add(base + "?resourceVersion=" + rv + "&limit=2"); // legacy exact
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2&labelSelector=" + q("parity=even"));
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&fieldSelector=" + q("metadata.name=cm-3"));
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=3&fieldSelector=" + q("metadata.namespace=" + NS));
      queries.add(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=-1");
    }
    for (String query : queries) {
      long served = stats().listsFromCache.get();
      HttpResponse<String> u = upstream(query);
      HttpResponse<String> t = through(query);
      assertThat(stats().listsFromCache.get()).as("from the cache: " + query).isEqualTo(served + 1);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode()).isEqualTo(200);
      assertThat(t.body()).as(query).isEqualTo(u.body());
      assertThat(t.headers().firstValue("Content-Type")).isEqualTo(u.headers().firstValue("Content-Type"));
    }
  }

  @Test
  void continueChainsAreInterchangeable() throws Exception {
    long rv = currentRv("/api/v1/configmaps");
    String base = "/api/v1/configmaps?limit=3&resourceVersion=" + rv + "&resourceVersionMatch=Exact";
    // Page 1 upstream, page 2 through Breakwater with upstream's token, page 3 upstream with Breakwater's token.
    JsonNode p1 = JSON.readTree(upstream(base).body());
    String t1 = p1.path("metadata").path("continue").asText();
    HttpResponse<String> p2u = upstream("/api/v1/configmaps?limit=3&continue=" + q(t1));
    HttpResponse<String> p2t = through("/api/v1/configmaps?limit=3&continue=" + q(t1));
    assertThat(p2t.body()).isEqualTo(p2u.body());
    String t2 = JSON.readTree(p2t.body()).path("metadata").path("continue").asText();
    HttpResponse<String> p3u = upstream("/api/v1/configmaps?limit=3&continue=" + q(t2));
    HttpResponse<String> p3t = through("/api/v1/configmaps?limit=3&continue=" + q(t2));
    assertThat(p3t.body()).isEqualTo(p3u.body());

    // The apiserver's quirk: a cluster-wide LIST pinned to one namespace by its field selector is
    // narrowed on page 1 only, so page 2 restarts from the namespace-relative key across namespaces.
    String pinned = "/api/v1/configmaps?limit=3&fieldSelector=" + q("metadata.namespace=" + NS);
    String pt = JSON.readTree(through(pinned + "&resourceVersion=" + rv + "&resourceVersionMatch=Exact").body())
        .path("metadata").path("continue").asText();
    assertThat(pt).isNotEmpty();
    HttpResponse<String> q2u = upstream(pinned + "&continue=" + q(pt));
    HttpResponse<String> q2t = through(pinned + "&continue=" + q(pt));
    assertThat(q2t.statusCode()).isEqualTo(q2u.statusCode()).isEqualTo(200);
    assertThat(q2t.body()).isEqualTo(q2u.body());
  }

  @Test
  void currentReadsHaveTheSameItemsAndObeyTheRvRules() throws Exception {
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps", "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0",
        "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0&limit=2", "/api/v1/namespaces/" + NS + "/configmaps?limit=4",
        "/api/v1/configmaps?labelSelector=" + q("parity in (odd)"), "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=" + writtenRv,
        "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=" + writtenRv + "&resourceVersionMatch=NotOlderThan",
        "/api/v1/namespaces/" + NS + "/events?resourceVersion=0&limit=2", "/api/v1/namespaces/" + NS + "/events?limit=3",
        "/api/v1/events?fieldSelector=" + q("type=Warning,reason=R1"))) {
      // Consistent reads of events (the etcd path) go upstream here: no event flows, so nothing proves the cache fresh
      // (ReadRouting.freshnessWait; EventsConsistentReadE2ETest serves them while events flow).
      boolean fromCache = !(query.contains("/events") && !query.contains("resourceVersion="));
      long served = stats().listsFromCache.get();
      HttpResponse<String> u = upstream(query);
      HttpResponse<String> t = through(query);
      assertThat(stats().listsFromCache.get()).as("from the cache: " + query).isEqualTo(served + (fromCache ? 1 : 0));
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode()).isEqualTo(200);
      JsonNode uj = JSON.readTree(u.body());
      JsonNode tj = JSON.readTree(t.body());
      assertThat(tj.path("items")).as(query).isEqualTo(uj.path("items"));
      assertThat(tj.path("kind")).isEqualTo(uj.path("kind"));
      assertThat(tj.path("metadata").has("continue")).as(query + " continue").isEqualTo(uj.path("metadata").has("continue"));
      assertThat(tj.path("metadata").path("remainingItemCount")).as(query).isEqualTo(uj.path("metadata").path("remainingItemCount"));
      assertThat(tj.path("metadata").path("resourceVersion").asLong()).as(query + " RV").isGreaterThanOrEqualTo(writtenRv);
      // Same envelope bytes once the RV and token (which carries the RV) are set aside.
      assertThat(normalize(t.body())).as(query).isEqualTo(normalize(u.body()));
    }
  }

  static String normalize(String body) throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(body);
    ((ObjectNode) n.path("metadata")).remove(List.of("resourceVersion", "continue"));
    return JSON.writeValueAsString(n);
  }

  @Test
  void consistentReadsSeeTheLatestWrite(KubernetesClient k) throws Exception {
    long listsBefore = stats().listsFromCache.get();
    long getsBefore = stats().getsFromCache.get();
    for (int i = 0; i < 20; i++) {
      String name = "ryw-" + i;
      k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
      HttpResponse<String> list = through("/api/v1/namespaces/" + NS + "/configmaps?fieldSelector=" + q("metadata.name=" + name));
      assertThat(JSON.readTree(list.body()).path("items")).as(name).hasSize(1);
      assertThat(through("/api/v1/namespaces/" + NS + "/configmaps/" + name).statusCode()).isEqualTo(200);
      k.configMaps().inNamespace(NS).withName(name).delete();
      assertThat(through("/api/v1/namespaces/" + NS + "/configmaps/" + name).statusCode()).as(name + " deleted").isEqualTo(404);
    }
    assertThat(stats().listsFromCache.get() - listsBefore).as("consistent LISTs served from the cache").isEqualTo(20);
    assertThat(stats().getsFromCache.get() - getsBefore).as("consistent GETs found in the cache").isGreaterThanOrEqualTo(20);
  }

  @Test
  void getsAreByteIdentical() throws Exception {
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps/cm-1", "/api/v1/namespaces/" + NS + "/configmaps/cm-1?resourceVersion=0",
        "/api/v1/namespaces/" + NS + "/configmaps/nope", "/api/v1/namespaces/no-such-ns/configmaps/cm-1",
        "/api/v1/namespaces/" + NS + "/events/ev-2", "/api/v1/namespaces/" + NS, "/api/v1/namespaces/nope",
        "/api/v1/configmaps/cm-1", "/api/v1/namespaces/" + NS + "/namespaces/x")) {
      HttpResponse<String> u = upstream(query);
      HttpResponse<String> t = through(query);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
      assertThat(t.body()).as(query).isEqualTo(u.body());
    }
  }

  @Test
  void namespaceGetsAreServedFromTheCache() throws Exception {
    // RequestInfo names /api/v1/namespaces/<n> as namespace <n>; the object is cluster-scoped.
    await().atMost(Duration.ofSeconds(30)).until(() -> through("/api/v1/namespaces?resourceVersion=0").statusCode() == 200);
    for (String query : List.of("/api/v1/namespaces/" + NS + "?resourceVersion=0", "/api/v1/namespaces/nope?resourceVersion=0",
        "/api/v1/namespaces/" + NS, "/api/v1/namespaces/nope")) {
      long gets = stats().getsFromCache.get();
      long edge = stats().errorsAtEdge.get();
      HttpResponse<String> t = through(query);
      HttpResponse<String> u = upstream(query);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
      assertThat(t.body()).as(query).isEqualTo(u.body());
      assertThat(stats().getsFromCache.get() - gets + stats().errorsAtEdge.get() - edge).as("from the cache: " + query).isEqualTo(1);
    }
    // A Namespace's subresources and the namespaced paths under it are not the Namespace object.
    for (String query : List.of("/api/v1/namespaces/" + NS + "/status", "/api/v1/namespaces/" + NS + "/namespaces/" + NS)) {
      HttpResponse<String> t = through(query);
      HttpResponse<String> u = upstream(query);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
      assertThat(t.body()).as(query).isEqualTo(u.body());
    }
  }

  @Test
  void prettyOutputIsByteIdentical() throws Exception {
    long rv = currentRv("/api/v1/configmaps");
    await().atMost(Duration.ofSeconds(10)).until(() -> through("/api/v1/configmaps?resourceVersion=" + rv
        + "&resourceVersionMatch=NotOlderThan").statusCode() == 200);
    for (String query : List.of("/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2",
        "/api/v1/namespaces/" + NS + "/configmaps/cm-2", "/api/v1/namespaces/" + NS + "/configmaps/nope")) {
      for (String ua : List.of("curl/8.5.0", "Mozilla/5.0 (X11)")) {
        HttpResponse<String> u = upstream(query, ua);
        HttpResponse<String> t = through(query, ua);
        assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
        assertThat(t.body()).as(query + " " + ua).isEqualTo(u.body());
      }
      HttpResponse<String> u = upstream(query + (query.contains("?") ? "&" : "?") + "pretty=true");
      HttpResponse<String> t = through(query + (query.contains("?") ? "&" : "?") + "pretty=true");
      assertThat(t.body()).as(query + " pretty=true").isEqualTo(u.body());
    }
  }

  @Test
  void invalidParametersGetTheApiserversErrors() throws Exception {
    String base = "/api/v1/namespaces/" + NS + "/configmaps";
    String goodToken = JSON.readTree(upstream(base + "?limit=2").body()).path("metadata").path("continue").asText();
    for (String query : List.of(base + "?resourceVersionMatch=Exact", base + "?resourceVersionMatch=Foo&resourceVersion=5",
        base + "?resourceVersion=0&resourceVersionMatch=Exact", base + "?sendInitialEvents=true",
        base + "?continue=!!!", base + "?continue=" + q(goodToken) + "&resourceVersion=7", base + "?resourceVersion=abc",
        base + "?resourceVersion=-5", base + "?limit=abc", base + "?labelSelector=" + q("a in b"), base + "?fieldSelector=" + q("foo=bar"),
        base + "?fieldSelector=" + q("metadata.name~x"), base + "?resourceVersionMatch=Exact&continue=" + q(goodToken),
        base + "/cm-1?resourceVersion=abc", base + "?continue=" + q(goodToken) + "&resourceVersionMatch=NotOlderThan&resourceVersion=1")) {
      HttpResponse<String> u = upstream(query);
      HttpResponse<String> t = through(query);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
      assertThat(t.body()).as(query).isEqualTo(u.body());
    }
  }

  @Test
  void aResourceVersionFromTheFutureTimesOutAsUpstream() throws Exception {
    String query = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=" + (currentRv("/api/v1/configmaps") + 100000)
        + "&resourceVersionMatch=NotOlderThan";
    HttpResponse<String> u = upstream(query);
    HttpResponse<String> t = through(query);
    assertThat(t.statusCode()).isEqualTo(u.statusCode()).isEqualTo(504);
    assertThat(t.headers().firstValue("Retry-After")).isEqualTo(u.headers().firstValue("Retry-After"));
    // "current: M" differs with the moment each side answered.
    assertThat(t.body().replaceAll("current: \\d+", "current: M")).isEqualTo(u.body().replaceAll("current: \\d+", "current: M"));
  }
}
