package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Custom resources from the cache against the apiserver: their lists are unstructured (sorted
 * keys, {@code "continue":""} always), objects carry their own apiVersion/kind, and bookmarks are
 * unstructured too. Same requests to both sides, answers compared.
 */
@ExtendWith(ClusterExtension.class)
class CustomResourceDifferentialE2ETest {

  static final String NS = "crdiff";
  static final String BASE = "/apis/e2e.breakwater.dev/v1";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient k) throws Exception {
    cluster = c;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    k.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("gadgets.e2e.breakwater.dev").endMetadata()
        .withNewSpec().withGroup("e2e.breakwater.dev").withScope("Namespaced")
        .withNewNames().withKind("Gadget").withPlural("gadgets").withSingular("gadget").withListKind("GadgetList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build()).serverSideApply();
    k.apiextensions().v1().customResourceDefinitions().withName("gadgets.e2e.breakwater.dev").waitUntilCondition(crd -> crd.getStatus() != null
        && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup("e2e.breakwater.dev").withVersion("v1")
        .withPlural("gadgets").withKind("Gadget").withNamespaced(true).build();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> k.genericKubernetesResources(ctx).inNamespace(NS).list() != null);
    for (int i = 0; i < 5; i++) {
      k.genericKubernetesResources(ctx).inNamespace(NS).resource(new GenericKubernetesResourceBuilder().withApiVersion("e2e.breakwater.dev/v1")
          .withKind("Gadget").withNewMetadata().withName("g" + i).withNamespace(NS).addToLabels("odd", String.valueOf(i % 2 == 1)).endMetadata()
          .addToAdditionalProperties("spec", Map.of("size", i)).build()).create();
    }
    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    await().atMost(Duration.ofSeconds(30)).until(() -> through(BASE + "/gadgets?resourceVersion=0").statusCode() == 200
        && bw.server().readStats().orElseThrow().listsFromCache.get() > 0);
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
  }

  static HttpResponse<String> through(String q) throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + q)).header("User-Agent", "e2e").build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> upstream(String q) throws Exception {
    return direct.send(HttpRequest.newBuilder(cluster.server().resolve(q)).header("User-Agent", "e2e").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void listsAndGetsAreByteIdentical() throws Exception {
    long rv = Long.parseLong(JSON.readTree(upstream(BASE + "/gadgets?limit=1").body()).path("metadata").path("resourceVersion").asText());
    await().atMost(Duration.ofSeconds(10)).until(() -> through(BASE + "/gadgets?resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan").statusCode() == 200);
    for (String q : List.of(BASE + "/namespaces/" + NS + "/gadgets?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
        BASE + "/namespaces/" + NS + "/gadgets?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2",
        BASE + "/gadgets?resourceVersion=" + rv + "&limit=3", BASE + "/gadgets?resourceVersion=" + rv + "&resourceVersionMatch=Exact&labelSelector=odd%3Dtrue",
        BASE + "/namespaces/" + NS + "/gadgets?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2&pretty=true",
        BASE + "/namespaces/" + NS + "/gadgets/g3", BASE + "/namespaces/" + NS + "/gadgets/g3?pretty=1", BASE + "/namespaces/" + NS + "/gadgets/nope")) {
      long served = bw.server().readStats().orElseThrow().listsFromCache.get() + bw.server().readStats().orElseThrow().getsFromCache.get()
          + bw.server().readStats().orElseThrow().errorsAtEdge.get();
      HttpResponse<String> u = upstream(q);
      HttpResponse<String> t = through(q);
      assertThat(t.statusCode()).as(q).isEqualTo(u.statusCode());
      assertThat(t.body()).as(q).isEqualTo(u.body());
      long after = bw.server().readStats().orElseThrow().listsFromCache.get() + bw.server().readStats().orElseThrow().getsFromCache.get()
          + bw.server().readStats().orElseThrow().errorsAtEdge.get();
      assertThat(after).as("from the cache: " + q).isEqualTo(served + 1);
    }
  }

  @Test
  void fieldSelectorsOnCustomResources() throws Exception {
    for (String q : List.of(BASE + "/namespaces/" + NS + "/gadgets?fieldSelector=metadata.name%3Dg1&resourceVersion=0",
        BASE + "/namespaces/" + NS + "/gadgets?fieldSelector=spec.size%3D1&resourceVersion=0",
        BASE + "/gadgets?fieldSelector=metadata.namespace%3D" + NS + "&resourceVersion=0")) {
      HttpResponse<String> u = upstream(q);
      HttpResponse<String> t = through(q);
      assertThat(t.statusCode()).as(q).isEqualTo(u.statusCode());
      if (u.statusCode() == 200) {
        assertThat(JSON.readTree(t.body()).path("items")).as(q).isEqualTo(JSON.readTree(u.body()).path("items"));
      } else {
        assertThat(t.body()).as(q).isEqualTo(u.body());
      }
    }
  }

  @Test
  void watchListBookmarksAreUnstructured() throws Exception {
    String q = BASE + "/namespaces/" + NS + "/gadgets?watch=1&timeoutSeconds=2&allowWatchBookmarks=true&resourceVersion=0";
    List<String> u = WatchDifferentialE2ETest.collect(direct, cluster.server().resolve(q)).get(20, TimeUnit.SECONDS);
    List<String> t = WatchDifferentialE2ETest.collect(plain, URI.create(bw.url() + q)).get(20, TimeUnit.SECONDS);
    assertThat(t.stream().filter(l -> l.startsWith("{\"type\":\"ADDED\"")).toList())
        .isEqualTo(u.stream().filter(l -> l.startsWith("{\"type\":\"ADDED\"")).toList()).hasSize(5);
    String uEnd = u.stream().filter(l -> l.contains("initial-events-end")).findFirst().orElseThrow();
    String tEnd = t.stream().filter(l -> l.contains("initial-events-end")).findFirst().orElseThrow();
    assertThat(tEnd.replaceAll("\"resourceVersion\":\"\\d+\"", "RV")).isEqualTo(uEnd.replaceAll("\"resourceVersion\":\"\\d+\"", "RV"));
  }
}
