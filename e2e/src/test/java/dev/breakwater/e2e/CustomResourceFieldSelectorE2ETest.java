package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Answered;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Differential;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.http.ReadStats;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17: field selectors on a custom resource's CRD {@code selectableFields} (string, integer and
 * boolean fields) are served from the cache, with the apiserver's answers: LISTs byte for byte at an
 * exact RV, consistent LISTs by items, a selector-filtered WATCH event for event (objects moving in
 * and out of the selection become ADDED / DELETED). A selector on an undeclared field is the
 * apiserver's 400 (passed upstream). When the CRD drops a field, Breakwater stops serving it (its
 * cache restarts) and answers the apiserver's 400; when the CRD declares it again, it is served from
 * the cache again.
 */
@ExtendWith(ClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomResourceFieldSelectorE2ETest {

  static final String NS = "crfields";
  static final String GROUP = "fields.e2e.breakwater.dev";
  static final String WIDGETS = "/apis/" + GROUP + "/v1/namespaces/" + NS + "/widgets";
  static final ObjectMapper JSON = new ObjectMapper();

  static LocalCluster cluster;
  static Kubectl kubectl;
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static long rv;

  static String crd(String... selectable) {
    StringBuilder fields = new StringBuilder();
    for (String f : selectable) {
      fields.append("\n      - jsonPath: ").append(f);
    }
    return """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.%s}
        spec:
          group: %s
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    properties:
                      color: {type: string}
                      size: {type: integer}
                      enabled: {type: boolean}
            selectableFields:%s
        """.formatted(GROUP, GROUP, selectable.length == 0 ? " []" : fields.toString());
  }

  static String widget(String name, String spec) {
    return """
        apiVersion: %s/v1
        kind: Widget
        metadata: {name: %s, namespace: %s}
        spec: %s
        ---
        """.formatted(GROUP, name, NS, spec);
  }

  @BeforeAll
  static void setUp(LocalCluster c) throws Exception {
    cluster = c;
    kubectl = new Kubectl(c.kubeconfig());
    kubectl.run(null, Duration.ofSeconds(60), "create", "namespace", NS).assertOk();
    kubectl.run(crd(".spec.color", ".spec.size", ".spec.enabled"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    kubectl.run(null, Duration.ofSeconds(60), "wait", "--for=condition=Established", "crd/widgets." + GROUP).assertOk();
    kubectl.run(widget("w1", "{color: red, size: 1, enabled: true}") + widget("w2", "{color: blue, size: 2, enabled: false}")
        + widget("w3", "{size: 3}") + widget("w4", "{color: red, size: 10}"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    bw = Breakwater.start(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true));
    await().atMost(Duration.ofSeconds(60)).until(() -> through(WIDGETS + "?resourceVersion=0").statusCode() == 200
        && bw.server().readStats().orElseThrow().listsFromCache.get() > 0);
    rv = Long.parseLong(JSON.readTree(upstream(WIDGETS + "?limit=1").body()).path("metadata").path("resourceVersion").asText());
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<byte[]> through(String path) {
    return Differential.send(plain, URI.create(bw.url() + path), "application/json", "breakwater-e2e");
  }

  static HttpResponse<byte[]> upstream(String path) {
    return Differential.send(direct, cluster.server().resolve(path), "application/json", "breakwater-e2e");
  }

  static ReadStats stats() {
    return bw.server().readStats().orElseThrow();
  }

  static List<String> names(byte[] list) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode i : JSON.readTree(list).path("items")) {
      out.add(i.path("metadata").path("name").asText());
    }
    return out;
  }

  @Test
  @Order(1)
  void selectorsOnSelectableFieldsAreServedFromTheCacheByteForByte() throws Exception {
    String[][] cases = {
        {"spec.color=red", "w1 w4"}, {"spec.color!=red", "w2 w3"}, {"spec.color=", "w3"}, {"spec.size=10", "w4"},
        {"spec.size!=1", "w2 w3 w4"}, {"spec.enabled=true", "w1"}, {"spec.enabled=false", "w2"},
        {"spec.color=red,metadata.name=w1", "w1"}, {"spec.color==red,spec.enabled!=true", "w4"}};
    for (String[] c : cases) {
      for (String query : List.of(WIDGETS + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&fieldSelector=" + q(c[0]),
          "/apis/" + GROUP + "/v1/widgets?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2&fieldSelector=" + q(c[0]))) {
        Answered before = Answered.count(stats());
        HttpResponse<byte[]> u = upstream(query);
        HttpResponse<byte[]> t = through(query);
        Answered now = Answered.since(stats(), before);
        assertThat(u.statusCode()).as(query).isEqualTo(200);
        Differential.assertSame(query, "application/json", u, t);
        assertThat(now.who()).as("%s answered by (%s)", query, now).isEqualTo("cache");
      }
      String consistent = WIDGETS + "?fieldSelector=" + q(c[0]);
      Answered before = Answered.count(stats());
      HttpResponse<byte[]> t = through(consistent);
      Answered now = Answered.since(stats(), before);
      assertThat(names(t.body())).as(consistent).isEqualTo(names(upstream(consistent).body()))
          .isEqualTo(List.of(c[1].split(" ")));
      assertThat(now.who()).as("%s answered by (%s)", consistent, now).isEqualTo("cache");
    }
  }

  @Test
  @Order(2)
  void aSelectorOnAnUndeclaredFieldIsTheApiserversError() {
    for (String sel : List.of("spec.other=1", "status.phase=x", "spec.color.x=1")) {
      String query = WIDGETS + "?resourceVersion=0&fieldSelector=" + q(sel);
      HttpResponse<byte[]> u = upstream(query);
      HttpResponse<byte[]> t = through(query);
      assertThat(u.statusCode()).as(query).isEqualTo(400);
      Differential.assertSame(query, "application/json", u, t);
    }
  }

  @Test
  @Order(3)
  void aFilteredWatchSeesObjectsEnterAndLeaveTheSelection() throws Exception {
    long from = Long.parseLong(JSON.readTree(upstream(WIDGETS + "?limit=1").body()).path("metadata").path("resourceVersion").asText());
    String watch = WIDGETS + "?watch=1&timeoutSeconds=10&resourceVersion=" + from + "&fieldSelector=" + q("spec.color=red");
    long watchesBefore = stats().watchesFromCache.get();
    CompletableFuture<List<String>> u = WatchDifferentialE2ETest.collect(direct, cluster.server().resolve(watch));
    CompletableFuture<List<String>> t = WatchDifferentialE2ETest.collect(plain, URI.create(bw.url() + watch));
    Thread.sleep(1000);
    kubectl.run(widget("w2", "{color: red, size: 2, enabled: false}") + widget("w1", "{color: green, size: 1, enabled: true}")
        + widget("w4", "{color: red, size: 11}"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    List<String> upstreamEvents = events(u.get(30, TimeUnit.SECONDS));
    List<String> throughEvents = events(t.get(30, TimeUnit.SECONDS));
    assertThat(upstreamEvents).containsExactly("ADDED w2", "DELETED w1", "MODIFIED w4");
    assertThat(throughEvents).isEqualTo(upstreamEvents);
    assertThat(stats().watchesFromCache.get()).as("the watch was served from the cache").isEqualTo(watchesBefore + 1);
  }

  static List<String> events(List<String> lines) throws Exception {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      JsonNode e = JSON.readTree(l);
      if (!e.path("type").asText().equals("BOOKMARK")) {
        out.add(e.path("type").asText() + " " + e.path("object").path("metadata").path("name").asText());
      }
    }
    return out;
  }

  @Test
  @Order(4)
  void aFieldTheCrdDropsIsRefusedAndOneItDeclaresAgainIsServed() {
    String query = WIDGETS + "?resourceVersion=0&fieldSelector=" + q("spec.size=11");
    kubectl.run(crd(".spec.color", ".spec.enabled"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      HttpResponse<byte[]> u = upstream(query);
      assertThat(u.statusCode()).as("the apiserver refuses the dropped field").isEqualTo(400);
      Differential.assertSame(query, "application/json", u, through(query));
    });
    kubectl.run(crd(".spec.color", ".spec.enabled", ".spec.size"), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(upstream(query).statusCode()).isEqualTo(200);
      Answered before = Answered.count(stats());
      HttpResponse<byte[]> t = through(query);
      Answered now = Answered.since(stats(), before);
      assertThat(t.statusCode()).isEqualTo(200);
      assertThat(names(t.body())).isEqualTo(List.of("w4"));
      assertThat(now.who()).as("answered by (%s)", now).isEqualTo("cache");
    });
  }
}
