package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import static dev.breakwater.e2e.support.Differential.assertSame;
import static dev.breakwater.e2e.support.Differential.frames;
import static dev.breakwater.e2e.support.Differential.printable;
import static dev.breakwater.e2e.support.Differential.send;
import static dev.breakwater.e2e.support.Differential.withoutPeriodicBookmarks;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PartialObjectMetadata(List) served from the cache, in JSON and protobuf, for a built-in
 * (configmaps) and a custom resource whose metadata uses every ObjectMeta field kind (owner
 * references, finalizers, escaped annotations, generateName, a pending deletion's timestamp and
 * grace period): the same request direct and through Breakwater, bodies compared byte for byte
 * where the apiserver is deterministic (reads at an exact RV, GETs, watch event streams from an
 * RV); for WatchLists the bookmark's RV (the server's own current RV) is the one accepted
 * difference. Accept headers the cache does not answer (a WATCH in YAML, kind/verb mismatches)
 * reach the apiserver and get its own answer.
 */
@ExtendWith(ClusterExtension.class)
class PartialObjectMetadataE2ETest {

  static final String NS = "pom";
  static final String CR_BASE = "/apis/e2e.breakwater.dev/v1";
  static final String J = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  static final String JL = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
  static final String P = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
  static final String PL = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
  /** client-go's metadata client (k8s.io/client-go/metadata) for lists. */
  static final String CLIENT_GO_LIST = PL + "," + JL + ",application/json";
  static final String CLIENT_GO_WATCH = P + "," + J + ",application/json";
  static final ObjectMapper JSON = new ObjectMapper();
  static Breakwater bw;
  static HttpClient direct;
  static HttpClient plain;
  static LocalCluster cluster;
  static KubernetesClient k;
  static ResourceDefinitionContext ctx;

  @BeforeAll
  static void setUp(LocalCluster c, KubernetesClient client) throws Exception {
    cluster = c;
    k = client;
    k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    k.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("sprockets.e2e.breakwater.dev").endMetadata()
        .withNewSpec().withGroup("e2e.breakwater.dev").withScope("Namespaced")
        .withNewNames().withKind("Sprocket").withPlural("sprockets").withSingular("sprocket").withListKind("SprocketList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build()).serverSideApply();
    k.apiextensions().v1().customResourceDefinitions().withName("sprockets.e2e.breakwater.dev").waitUntilCondition(crd -> crd.getStatus() != null
        && crd.getStatus().getConditions() != null && crd.getStatus().getConditions().stream().anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    ctx = new ResourceDefinitionContext.Builder().withGroup("e2e.breakwater.dev").withVersion("v1")
        .withPlural("sprockets").withKind("Sprocket").withNamespaced(true).build();
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> k.genericKubernetesResources(ctx).inNamespace(NS).list() != null);

    var owner = k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
        .serverSideApply();
    for (int i = 0; i < 6; i++) {
      k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + i)
          .addToLabels("parity", i % 2 == 0 ? "even" : "odd").addToAnnotations("note", "<a&b> \u00e9 \"q\"")
          .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName("owner")
              .withUid(owner.getMetadata().getUid()).withBlockOwnerDeletion(i % 2 == 0).build())
          .endMetadata().addToData("i", String.valueOf(i)).build()).create();
      k.genericKubernetesResources(ctx).inNamespace(NS).resource(new GenericKubernetesResourceBuilder()
          .withApiVersion("e2e.breakwater.dev/v1").withKind("Sprocket").withNewMetadata().withName("s" + i).withNamespace(NS)
          .addToLabels("zeta", "z").addToLabels("alpha", String.valueOf(i)).addToAnnotations("html", "<tag>&amp;")
          .addToFinalizers("e2e.breakwater.dev/hold")
          .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName("owner")
              .withUid(owner.getMetadata().getUid()).withController(i == 0).build())
          .endMetadata().addToAdditionalProperties("spec", Map.of("teeth", i)).build()).create();
    }
    GenericKubernetesResource generated = new GenericKubernetesResourceBuilder().withApiVersion("e2e.breakwater.dev/v1").withKind("Sprocket")
        .withNewMetadata().withGenerateName("gen-").withNamespace(NS).endMetadata().build();
    k.genericKubernetesResources(ctx).inNamespace(NS).resource(generated).create();
    // A pending deletion: deletionTimestamp and deletionGracePeriodSeconds are set, the finalizer holds it.
    k.genericKubernetesResources(ctx).inNamespace(NS).withName("s5").delete();

    bw = Breakwater.start(Breakwater.cacheServed(Breakwater.config(c.kubeconfig(), Optional.empty()).withCacheReads(true)));
    direct = RawHttp.direct(c);
    plain = RawHttp.plain();
    for (String path : List.of("/api/v1/configmaps", CR_BASE + "/sprockets")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> through(path + "?resourceVersion=0", "application/json").statusCode() == 200);
    }
  }

  @AfterAll
  static void tearDown() {
    if (bw != null) {
      bw.close();
    }
    for (int i = 0; i < 6; i++) {
      k.genericKubernetesResources(ctx).inNamespace(NS).withName("s" + i).edit(s -> {
        s.getMetadata().setFinalizers(List.of());
        return s;
      });
    }
  }

  static HttpResponse<byte[]> through(String pathAndQuery, String accept) throws Exception {
    return plain.send(HttpRequest.newBuilder(URI.create(bw.url() + pathAndQuery)).header("Accept", accept)
        .header("User-Agent", "breakwater-e2e").build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static HttpResponse<byte[]> upstream(String pathAndQuery, String accept) throws Exception {
    return direct.send(HttpRequest.newBuilder(cluster.server().resolve(pathAndQuery)).header("Accept", accept)
        .header("User-Agent", "breakwater-e2e").build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static long currentRv(String collection) throws Exception {
    return Long.parseLong(JSON.readTree(upstream(collection + "?limit=1", "application/json").body()).path("metadata")
        .path("resourceVersion").asText());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void listsAtAnExactResourceVersionAreByteIdenticalInJsonAndProtobuf() throws Exception {
    for (String collection : List.of("/api/v1/configmaps", CR_BASE + "/sprockets")) {
      long rv = currentRv(collection);
      await().atMost(Duration.ofSeconds(10)).until(() -> through(collection + "?resourceVersion=" + rv
          + "&resourceVersionMatch=NotOlderThan", "application/json").statusCode() == 200);
      long served = bw.server().readStats().orElseThrow().listsFromCache.get();
      int requests = 0;
      String ns = collection.replace("/configmaps", "/namespaces/" + NS + "/configmaps").replace("/sprockets", "/namespaces/" + NS + "/sprockets");
      for (String base : List.of(ns, collection)) {
        for (String accept : List.of(JL, PL, CLIENT_GO_LIST, JL.replace("v=v1", "v=v1beta1"), PL.replace("v=v1", "v=v1beta1"))) {
          List<String> queries = List.of(
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact",
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=2",
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&labelSelector=" + q("parity=even,alpha!=3"),
              base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&fieldSelector=" + q("metadata.name=s2"));
          for (String query : queries) {
            assertSame(query, accept, upstream(query, accept), through(query, accept));
            requests++;
          }
          // A continue chain, upstream tokens and ours interchangeable: follow Breakwater's.
          String query = base + "?resourceVersion=" + rv + "&resourceVersionMatch=Exact&limit=3";
          String token = "";
          do {
            String page = token.isEmpty() ? query : base + "?limit=3&continue=" + q(token);
            HttpResponse<byte[]> u = upstream(page, JL);
            assertSame(page, JL, u, through(page, JL));
            requests++;
            token = JSON.readTree(u.body()).path("metadata").path("continue").asText("");
          } while (!token.isEmpty());
        }
      }
      assertThat(bw.server().readStats().orElseThrow().listsFromCache.get() - served).as("lists of " + collection + " from the cache")
          .isEqualTo(requests);
    }
  }

  @Test
  void getsAreByteIdenticalIncludingPrettyAndV1beta1() throws Exception {
    List<String> objects = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      objects.add("/api/v1/namespaces/" + NS + "/configmaps/cm-" + i);
      objects.add(CR_BASE + "/namespaces/" + NS + "/sprockets/s" + i);
    }
    long gets = bw.server().readStats().orElseThrow().getsFromCache.get();
    for (String object : objects) {
      for (String accept : List.of(J, P, CLIENT_GO_WATCH, J.replace("v=v1", "v=v1beta1"), J + ";pretty=1")) {
        String query = object + "?resourceVersion=0";
        assertSame(query, accept, upstream(query, accept), through(query, accept));
      }
    }
    // Consistent GETs (each waits for the cache to confirm freshness, about a second on a quiet resource).
    for (String object : List.of(objects.get(0), objects.get(1), objects.get(11))) {
      for (String accept : List.of(J, P)) {
        assertSame(object, accept, upstream(object, accept), through(object, accept));
      }
    }
    assertThat(bw.server().readStats().orElseThrow().getsFromCache.get() - gets).isEqualTo(objects.size() * 5L + 6);
  }

  @Test
  void whatTheCacheDoesNotAnswerGetsTheApiserversOwnAnswer() throws Exception {
    String list = "/api/v1/namespaces/" + NS + "/configmaps?resourceVersion=0";
    String get = "/api/v1/namespaces/" + NS + "/configmaps/cm-1";
    String crList = CR_BASE + "/namespaces/" + NS + "/sprockets?resourceVersion=0";
    // Kind/verb mismatches are the apiserver's 406s after its read (its wording names Go types): upstream;
    // a WATCH in YAML is the apiserver's 406 too (no YAML stream serializer; LIST and GET in YAML: YamlE2ETest).
    String yamlWatch = "/api/v1/namespaces/" + NS + "/configmaps?watch=1&timeoutSeconds=1";
    for (String[] c : new String[][] {{list, J}, {get, JL}, {yamlWatch, "application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"}}) {
      long passed = bw.server().readStats().orElseThrow().passedUpstream.get();
      assertSame(c[0], c[1], upstream(c[0], c[1]), through(c[0], c[1]));
      assertThat(bw.server().readStats().orElseThrow().passedUpstream.get()).as(c[1]).isEqualTo(passed + 1);
    }
    // Negotiation's own 406s (nothing acceptable) come before any read: answered at the edge.
    for (String[] c : new String[][] {{crList, "application/vnd.kubernetes.protobuf"},
        {get, "application/json;as=PartialObjectMetadata;g=meta.k8s.io"}, {get, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2"}}) {
      long edge = bw.server().readStats().orElseThrow().errorsAtEdge.get();
      assertSame(c[0], c[1], upstream(c[0], c[1]), through(c[0], c[1]));
      assertThat(bw.server().readStats().orElseThrow().errorsAtEdge.get()).as(c[1]).isEqualTo(edge + 1);
    }
    HttpResponse<byte[]> mismatch = through(get, JL);
    assertThat(mismatch.statusCode()).isEqualTo(406);
  }

  @Test
  void watchStreamsFromAResourceVersionAreByteIdentical() throws Exception {
    String cms = "/api/v1/namespaces/" + NS + "/configmaps";
    long from = currentRv(cms);
    // Churn: modify, relabel out of the selector (exit → DELETED with the previous state), create, delete:
    // four events with or without the selector parity=even.
    k.configMaps().inNamespace(NS).withName("cm-0").edit(cm -> new ConfigMapBuilder(cm).addToData("x", "1").build());
    k.configMaps().inNamespace(NS).withName("cm-2").edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("parity", "none")
        .endMetadata().build());
    k.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("late").addToLabels("parity", "even")
        .endMetadata().build()).create();
    k.configMaps().inNamespace(NS).withName("late").delete();
    long to = currentRv(cms);
    await().atMost(Duration.ofSeconds(10)).until(() -> through(cms + "?resourceVersion=" + to + "&resourceVersionMatch=NotOlderThan",
        "application/json").statusCode() == 200);
    long watches = bw.server().readStats().orElseThrow().watchesFromCache.get();
    for (String accept : List.of(J, P, CLIENT_GO_WATCH)) {
      for (String selector : List.of("", "&labelSelector=" + q("parity=even"))) {
        String query = cms + "?watch=1&resourceVersion=" + from + "&timeoutSeconds=2" + selector;
        var u = CompletableFuture.supplyAsync(() -> send(direct, cluster.server().resolve(query), accept));
        var t = CompletableFuture.supplyAsync(() -> send(plain, URI.create(bw.url() + query), accept));
        assertSame(query, accept, u.get(20, TimeUnit.SECONDS), t.get(20, TimeUnit.SECONDS));
        assertThat(frames(t.join().body(), accept)).as("events in " + query).hasSize(4);
      }
    }
    assertThat(bw.server().readStats().orElseThrow().watchesFromCache.get() - watches).isEqualTo(6);
  }

  @Test
  void watchListsMatchExceptTheBookmarksResourceVersion() throws Exception {
    for (String path : List.of("/api/v1/namespaces/" + NS + "/configmaps", CR_BASE + "/namespaces/" + NS + "/sprockets")) {
      for (String accept : List.of(J, P)) {
        String query = path + "?watch=1&allowWatchBookmarks=true&timeoutSeconds=2";
        var u = CompletableFuture.supplyAsync(() -> send(direct, cluster.server().resolve(query), accept));
        var t = CompletableFuture.supplyAsync(() -> send(plain, URI.create(bw.url() + query), accept));
        List<byte[]> uf = withoutPeriodicBookmarks(frames(u.get(20, TimeUnit.SECONDS).body(), accept));
        List<byte[]> tf = withoutPeriodicBookmarks(frames(t.get(20, TimeUnit.SECONDS).body(), accept));
        assertThat(tf).as(query).hasSameSizeAs(uf);
        for (int i = 0; i < uf.size() - 1; i++) {
          assertThat(tf.get(i)).as(query + " initial event " + i).isEqualTo(uf.get(i));
        }
        // The initial-events-end bookmark: same frame but for the RV, each server's current one.
        String ub = printable(uf.getLast()).replaceAll("[0-9]{2,}", "N");
        String tb = printable(tf.getLast()).replaceAll("[0-9]{2,}", "N");
        assertThat(tb).as(query).contains("BOOKMARK").contains("k8s.io/initial-events-end");
        if (accept.equals(J)) {
          assertThat(tb).isEqualTo(ub);
        }
      }
    }
  }
}
