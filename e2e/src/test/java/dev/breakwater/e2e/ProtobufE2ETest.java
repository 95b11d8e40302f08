package dev.breakwater.e2e;

import static dev.breakwater.e2e.support.Differential.assertSame;
import static dev.breakwater.e2e.support.Differential.frames;
import static dev.breakwater.e2e.support.Differential.printable;
import static dev.breakwater.e2e.support.Differential.send;
import static dev.breakwater.e2e.support.Differential.withoutPeriodicBookmarks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Built-in objects in protobuf — what client-go asks for by default — served from a protobuf cache
 * (its own upstream LIST+WATCH in protobuf, started by the first protobuf client), compared byte for
 * byte with the apiserver's answers: lists at an exact RV with continue chains and selectors, GETs,
 * watch streams from an RV (incl. a selector exit, whose previous state gets the event's RV spliced
 * in), WatchLists (their initial-events-end bookmark built from the type's template, e.g. a Pod's
 * empty spec and status). Field selectors on every field label of the kind (read from the protobuf
 * bytes) are served from the cache; unknown labels and errors Breakwater does not word reach the
 * apiserver, which answers them itself.
 */
@ExtendWith(ClusterExtension.class)
class ProtobufE2ETest {

  static final String NS = "proto";
  static final String PB = "application/vnd.kubernetes.protobuf";
  /** client-go's typed clients (rest/config: UseProtobufAsDefault). */
  static final String CLIENT_GO = "application/vnd.kubernetes.protobuf,application/json";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;
  static KubernetesClient k;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient client) throws Exception {
    cluster = c;
    k = client;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    for (int i = 0; i < 5; i++) {
      k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
          .addToLabels("parity", i % 2 == 0 ? "even" : "odd").endMetadata().addToData("i", "<" + i + ">").build()).create();
      // No scheduler or kubelet in the fixture: pods stay Pending, with a real spec and status.
      k.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("pod-" + i).addToLabels("app", i < 3 ? "web" : "db")
          .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx:" + i).endContainer().endSpec().build()).create();
    }
    k.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata()
        .addToStringData("k", "v").build()).create();
    k.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("svc").endMetadata()
        .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
    k.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("tls").endMetadata().withType("kubernetes.io/tls")
        .addToStringData("tls.crt", "c").addToStringData("tls.key", "k").build()).create();
    k.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName("headless").endMetadata()
        .withNewSpec().withClusterIP("None").addNewPort().withPort(81).endPort().endSpec().build()).create();
    for (int i = 0; i < 2; i++) {
      k.v1().events().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata().withName("ev-" + i)
          .endMetadata().withNewInvolvedObject().withKind("Pod").withNamespace(NS).withName("pod-" + i).endInvolvedObject()
          .withReason(i == 0 ? "Started" : "Pulled").withType("Normal").withNewSource().withComponent(i == 0 ? "kubelet" : "")
          .endSource().withReportingComponent("e2e-reporter").withMessage("m").build()).create();
      k.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("pb-node-" + i).endMetadata()
          .withNewSpec().withUnschedulable(i == 0).endSpec().build()).create();
    }
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String r : List.of("configmaps", "pods", "secrets", "services", "namespaces", "nodes", "events")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through("/api/v1/" + r + "?resourceVersion=0", PB).statusCode() == 200
          && bw.server().readStats().orElseThrow().listsFromCache.get() > 0);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    for (int i = 0; i < 2; i++) {
      k.nodes().withName("pb-node-" + i).delete();
    }
  }

  static HttpResponse<byte[]> through(String pathAndQuery, String accept) {
    return send(plain, URI.create(bw.url() + pathAndQuery), accept);
  }

  static HttpResponse<byte[]> upstream(String pathAndQuery, String accept) {
    return send(direct, cluster.server().resolve(pathAndQuery), accept);
  }

  static long currentRv(String collection) throws Exception {
    return Long.parseLong(JSON.readTree(upstream(collection + "?limit=1", "application/json").body()).path("metadata")
        .path("resourceVersion").asText());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static dev.breakwater.proxy.http.ReadStats stats() {
    return bw.server().readStats().orElseThrow();
  }

  @Test
  void listsAtAnExactResourceVersionAreByteIdentical() throws Exception {
    for (String r : List.of("configmaps", "pods", "secrets", "services")) {
      String collection = "/api/v1/" + r;
      long rv = currentRv(collection);
      await().atMost(Duration.ofSeconds(10)).until(() -> through(collection + "?resourceVersion=" + rv
          + "&resourceVersionMatch=NotOlderThan", PB).statusCode() == 200);
      long served = stats().listsFromCache.get();
      int requests = 0;
      for (String base : List.of("/api/v1/namespaces/" + NS + "/" + r, collection)) {
        for (String accept : List.of(PB, CLIENT_GO)) {
          for (String query : List.of(base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2",
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&labelSelector=" + q("app in (web),parity!=odd"),
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&fieldSelector=" + q("metadata.name=pod-1"))) {
            assertSame(query, accept, upstream(query, accept), through(query, accept));
            requests++;
          }
        }
        // A continue chain, following the apiserver's tokens through Breakwater.
        String token = "";
        do {
          String page = token.isEmpty() ? base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2"
              : base + "?limit=2&continue=" + q(token);
          assertSame(page, PB, upstream(page, PB), through(page, PB));
          requests++;
          token = JSON.readTree(upstream(page, "application/json").body()).path("metadata").path("continue").asText("");
        } while (!token.isEmpty());
      }
      assertThat(stats().listsFromCache.get() - served).as("protobuf lists of " + r + " from the cache").isEqualTo(requests);
    }
  }

  @Test
  void getsAreByteIdentical() throws Exception {
    long gets = stats().getsFromCache.get();
    List<String> objects = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      objects.add("/api/v1/namespaces/" + NS + "/pods/pod-" + i);
      objects.add("/api/v1/namespaces/" + NS + "/configmaps/cm-" + i);
    }
    objects.add("/api/v1/namespaces/" + NS + "/secrets/s");
    objects.add("/api/v1/namespaces/" + NS + "/services/svc");
    for (String o : objects) {
      assertSame(o, CLIENT_GO, upstream(o + "?resourceVersion=0", CLIENT_GO), through(o + "?resourceVersion=0", CLIENT_GO));
    }
    // Consistent GETs wait for the cache to confirm freshness (about a second on a quiet resource).
    for (String o : List.of(objects.get(0), objects.get(1))) {
      assertSame(o, PB, upstream(o, PB), through(o, PB));
    }
    assertThat(stats().getsFromCache.get() - gets).isEqualTo(objects.size() + 2L);
  }

  @Test
  void whatTheProtobufCacheDoesNotAnswerIsTheApiserversOwnAnswer() throws Exception {
    for (String query : List.of("/api/v1/namespaces/" + NS + "/pods?resourceVersion=0&fieldSelector=" + q("spec.foo=bar"),
        "/api/v1/nodes?resourceVersion=0&fieldSelector=" + q("metadata.namespace=x"),
        "/api/v1/namespaces/" + NS + "/pods?resourceVersion=abc")) {
      long passed = stats().passedUpstream.get();
      assertSame(query, PB, upstream(query, PB), through(query, PB));
      assertThat(stats().passedUpstream.get()).as(query).isEqualTo(passed + 1);
    }
    // The cache's own errors are written in protobuf, as the apiserver negotiates them.
    for (String query : List.of("/api/v1/namespaces/" + NS + "/pods/nope?resourceVersion=0",
        "/api/v1/namespaces/" + NS + "/pods?continue=bad",
        "/api/v1/namespaces/" + NS + "/pods?resourceVersion=0&labelSelector=" + q("a b"))) {
      long edge = stats().errorsAtEdge.get();
      assertSame(query, PB, upstream(query, PB), through(query, PB));
      assertThat(stats().errorsAtEdge.get()).as(query).isEqualTo(edge + 1);
    }
  }

  /**
   * Every field label of the kind is served from the protobuf cache (read from the protobuf message),
   * byte for byte as the apiserver: pods, secrets, services, namespaces, nodes at an exact RV, and
   * events (on the apiserver's etcd path: RV=0, whose ListMeta RV is each server's own, so items compared).
   */
  @Test
  void fieldSelectorsOfTheKindAreServedFromTheProtobufCache() throws Exception {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    List<String[]> cases = List.of(
        new String[] {pods, "spec.nodeName="}, new String[] {pods, "status.phase=Pending"}, new String[] {pods, "status.phase!=Pending"},
        new String[] {"/api/v1/pods", "spec.hostNetwork=false,metadata.namespace=" + NS},
        new String[] {pods, "spec.restartPolicy=Always,metadata.name!=pod-2"}, new String[] {pods, "spec.schedulerName=default-scheduler"},
        new String[] {pods, "spec.host=,status.podIP="}, new String[] {pods, "status.podIPs="}, new String[] {pods, "spec.serviceAccountName=default"},
        new String[] {"/api/v1/namespaces/" + NS + "/secrets", "type=kubernetes.io/tls"},
        new String[] {"/api/v1/secrets", "type!=Opaque,metadata.namespace=" + NS},
        new String[] {"/api/v1/namespaces/" + NS + "/services", "spec.clusterIP=None"},
        new String[] {"/api/v1/namespaces/" + NS + "/services", "spec.type=ClusterIP,spec.clusterIP!=None"},
        new String[] {"/api/v1/namespaces", "status.phase=Active,metadata.name=" + NS},
        new String[] {"/api/v1/nodes", "spec.unschedulable=true"}, new String[] {"/api/v1/nodes", "spec.unschedulable!=true"});
    for (String[] c : cases) {
      long rv = currentRv(c[0]);
      await().atMost(Duration.ofSeconds(10)).until(() -> through(c[0] + "?resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan",
          PB).statusCode() == 200);
      String query = c[0] + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&fieldSelector=" + q(c[1]);
      long served = stats().listsFromCache.get();
      HttpResponse<byte[]> u = upstream(query, PB);
      assertSame(query, PB, u, through(query, PB));
      assertThat(stats().listsFromCache.get()).as(query + " from the cache").isEqualTo(served + 1);
      assertThat(u.statusCode()).as(query).isEqualTo(200);
    }
    // Events: their protobuf items, as the apiserver's.
    String events = "/api/v1/namespaces/" + NS + "/events";
    for (String selector : List.of("involvedObject.name=pod-0", "source=e2e-reporter", "source=kubelet,reason=Started",
        "involvedObject.kind=Pod,type!=Warning", "reportingComponent=e2e-reporter,involvedObject.namespace=" + NS)) {
      String query = events + "?resourceVersion=0&fieldSelector=" + q(selector);
      long served = stats().listsFromCache.get();
      HttpResponse<byte[]> t = through(query, PB);
      HttpResponse<byte[]> u = upstream(query, PB);
      assertThat(stats().listsFromCache.get()).as(query + " from the cache").isEqualTo(served + 1);
      assertThat(t.statusCode()).as(query).isEqualTo(u.statusCode());
      assertThat(t.headers().firstValue("Content-Type")).isEqualTo(u.headers().firstValue("Content-Type"));
      List<String> items = listItems(t.body());
      assertThat(items).as(query).isEqualTo(listItems(u.body())).isNotEmpty();
    }
  }

  /** Bad field selectors: the apiserver's 400 (written by Breakwater in protobuf, or upstream's for labels it words per kind). */
  @Test
  void badFieldSelectorsGetTheApiserversAnswer() throws Exception {
    for (String selector : List.of("spec.nodeName", "status.phase=a\\", "status.phase=a,b", "spec.nodeName==x=y", "spec.unknown=1",
        "Spec.nodeName=x")) {
      for (String base : List.of("/api/v1/namespaces/" + NS + "/pods", "/api/v1/nodes")) {
        String query = base + "?resourceVersion=0&fieldSelector=" + q(selector);
        HttpResponse<byte[]> u = upstream(query, PB);
        assertSame(query, PB, u, through(query, PB));
        assertThat(u.statusCode()).as(query).isEqualTo(400);
      }
    }
  }

  /** The items of a protobuf List (k8s\0 envelope, Unknown.raw, the list's field 2) as hex strings. */
  static List<String> listItems(byte[] body) {
    dev.breakwater.cache.object.ProtoReader unknown = new dev.breakwater.cache.object.ProtoReader(body, 4, body.length);
    List<String> out = new ArrayList<>();
    while (unknown.next()) {
      if (unknown.field() == 2) {
        dev.breakwater.cache.object.ProtoReader list = new dev.breakwater.cache.object.ProtoReader(body, unknown.start(), unknown.end());
        while (list.next()) {
          if (list.field() == 2) {
            out.add(java.util.HexFormat.of().formatHex(body, list.start(), list.end()));
          }
        }
      }
    }
    return out;
  }

  @Test
  void watchStreamsFromAResourceVersionAreByteIdentical() throws Exception {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    long from = currentRv(pods);
    k.pods().inNamespace(NS).withName("pod-0").edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("touched", "1").endMetadata().build());
    k.pods().inNamespace(NS).withName("pod-1").edit(p -> new PodBuilder(p).editMetadata().addToLabels("app", "moved").endMetadata().build());
    k.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("late").addToLabels("app", "web").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
    k.pods().inNamespace(NS).withName("late").withGracePeriod(0).delete();
    long to = currentRv(pods);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(pods + "?resourceVersion=" + to + "&resourceVersionMatch=NotOlderThan",
        PB).statusCode() == 200);
    long watches = stats().watchesFromCache.get();
    for (String selector : List.of("", "&labelSelector=" + q("app=web"))) {
      String query = pods + "?watch=1&resourceVersion=" + from + "&timeoutSeconds=2" + selector;
      var u = CompletableFuture.supplyAsync(() -> upstream(query, CLIENT_GO));
      var t = CompletableFuture.supplyAsync(() -> through(query, CLIENT_GO));
      assertSame(query, CLIENT_GO, u.get(20, TimeUnit.SECONDS), t.get(20, TimeUnit.SECONDS));
      List<String> events = frames(t.join().body(), PB).stream().map(f -> printable(f)).toList();
      assertThat(events).as(query).hasSizeGreaterThanOrEqualTo(4);
      if (!selector.isEmpty()) {
        // pod-1 left the selector: a DELETED event with its previous state at the event's RV.
        assertThat(events.stream().filter(e -> e.contains("pod-1")).toList()).singleElement().asString().contains("DELETED");
      }
    }
    assertThat(stats().watchesFromCache.get() - watches).isEqualTo(2);
  }

  @Test
  void webSocketWatchesCarryOneBinaryWatchEventPerMessage() throws Exception {
    String pods = "/api/v1/namespaces/" + NS + "/pods";
    long from = currentRv(pods);
    k.pods().inNamespace(NS).withName("pod-0").edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("ws", "1").endMetadata().build());
    k.pods().inNamespace(NS).withName("pod-0").edit(p -> new PodBuilder(p).editMetadata().addToAnnotations("ws", "2").endMetadata().build());
    long to = currentRv(pods);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(pods + "?resourceVersion=" + to + "&resourceVersionMatch=NotOlderThan",
        PB).statusCode() == 200);
    long watches = stats().watchesFromCache.get();
    for (String accept : List.of(PB)) {
      String query = pods + "?watch=1&timeoutSeconds=2&resourceVersion=" + from;
      var u = dev.breakwater.e2e.support.WebSockets.binaries(direct, URI.create(cluster.server().toString().replace("https:", "wss:") + query), accept);
      var t = dev.breakwater.e2e.support.WebSockets.binaries(plain, URI.create(bw.url().replace("http:", "ws:") + query), accept);
      List<byte[]> um = u.get(20, TimeUnit.SECONDS);
      List<byte[]> tm = t.get(20, TimeUnit.SECONDS);
      assertThat(stats().watchesFromCache.get() - watches).as("WebSocket watch served from the cache (upstream %d)",
          stats().passedUpstream.get()).isEqualTo(1);
      assertThat(um).as(accept).hasSize(2);
      assertThat(tm).as(accept).hasSameSizeAs(um);
      for (int i = 0; i < um.size(); i++) {
        assertThat(tm.get(i)).as(accept + " message " + i + ": " + printable(um.get(i))).isEqualTo(um.get(i));
      }
      // The same WatchEvents as the HTTP stream's frames, without their length prefix.
      HttpResponse<byte[]> http = through(query, accept);
      assertThat(frames(http.body(), PB)).usingRecursiveFieldByFieldElementComparator().isEqualTo(tm);
    }
    assertThat(stats().watchesFromCache.get() - watches).isEqualTo(2);
  }

  @Test
  void watchListsMatchTheApiserverIncludingTheBookmarkTemplate() throws Exception {
    for (String r : List.of("pods", "configmaps", "services")) {
      String query = "/api/v1/namespaces/" + NS + "/" + r + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=2";
      var u = CompletableFuture.supplyAsync(() -> upstream(query, PB));
      var t = CompletableFuture.supplyAsync(() -> through(query, PB));
      List<byte[]> uf = withoutPeriodicBookmarks(frames(u.get(20, TimeUnit.SECONDS).body(), PB));
      List<byte[]> tf = withoutPeriodicBookmarks(frames(t.get(20, TimeUnit.SECONDS).body(), PB));
      assertThat(tf).as(query).hasSameSizeAs(uf);
      for (int i = 0; i < uf.size() - 1; i++) {
        assertThat(tf.get(i)).as(query + " initial event " + i).isEqualTo(uf.get(i));
      }
      // The initial-events-end bookmark: byte-identical but for the RV (each server's current one, same length here).
      assertThat(printable(tf.getLast()).replaceAll("[0-9]{2,}", "N")).as(query).isEqualTo(printable(uf.getLast()).replaceAll("[0-9]{2,}", "N"))
          .contains("BOOKMARK").contains("k8s.io/initial-events-end");
    }
  }

  @Test
  void manyProtobufWatchersCostTheUpstreamOneWatch() throws Exception {
    String path = "/api/v1/namespaces/" + NS + "/secrets?watch=1&allowWatchBookmarks=true&resourceVersion=0";
    long before = InformersE2ETest.upstreamRequests(cluster).getOrDefault("LIST", 0L);
    List<InputStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        HttpResponse<InputStream> r = plain.send(HttpRequest.newBuilder(URI.create(bw.url() + path)).header("Accept", PB).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(PB + ";stream=watch");
        open.add(r.body());
      }
      assertThat(InformersE2ETest.upstreamRequests(cluster).getOrDefault("LIST", 0L) - before).as("upstream LISTs").isZero();
      assertThat(bw.server().caches().orElseThrow().size()).as("one protobuf cache per resource read").isEqualTo(7);
    } finally {
      for (InputStream in : open) {
        in.close();
      }
    }
  }
}
