package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.codec.JsonFrames;
import dev.breakwater.cache.codec.TypeMeta;
import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.object.ObjectExtractor;
import dev.breakwater.cache.reflector.Reflector;
import dev.breakwater.cache.selector.FieldLabels;
import dev.breakwater.cache.selector.FieldSelector;
import dev.breakwater.cache.selector.LabelSelector;
import dev.breakwater.cache.selector.SelectionPredicate;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.RawHttp;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.cache.HttpListerWatcher;
import dev.breakwater.proxy.upstream.Upstream;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Selector parity with the real apiserver: a generated set of Pods (labels and the Pod field
 * labels) is cached through the reflector, and for each label and field selector the names the
 * cache's matcher selects equal the names the apiserver's LIST returns. Selectors are accepted
 * or rejected as the apiserver does, with its own 400 message.
 */
@ExtendWith(ClusterExtension.class)
class SelectorParityE2ETest {

  static final String NS = "selectors";
  static final ObjectMapper JSON = new ObjectMapper();
  static final FieldLabels POD_FIELDS = FieldLabels.forKind("", "Pod");
  static final ObjectExtractor EXTRACTOR = new ObjectExtractor(POD_FIELDS.jsonPaths());
  static Vertx vertx;
  static ScheduledExecutorService executor;
  static WatchCache cache;
  static Reflector reflector;

  @BeforeAll
  static void setUp(KubernetesClient direct, LocalCluster cluster) throws Exception {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    Random r = new Random(7);
    String[] tiers = {"web", "db", "cache"};
    String[] phases = {"Pending", "Running", "Succeeded", "Failed"};
    for (int i = 0; i < 40; i++) {
      PodBuilder b = new PodBuilder().withNewMetadata().withName("p" + i).withNamespace(NS)
          .addToLabels("tier", tiers[r.nextInt(3)]).addToLabels("n", String.valueOf(i % 7)).endMetadata()
          .withNewSpec().withNodeName(i % 3 == 0 ? "" : "node-" + (i % 4)).withRestartPolicy(i % 2 == 0 ? "Always" : "Never")
          .withServiceAccountName(i % 5 == 0 ? "robot" : "default").withHostNetwork(i % 6 == 0)
          .addNewContainer().withName("c").withImage("x").endContainer().endSpec();
      if (i % 4 == 0) {
        b.editMetadata().addToLabels("canary", "").endMetadata();
      }
      direct.pods().inNamespace(NS).resource(b.build()).create();
      String phase = phases[r.nextInt(4)];
      direct.pods().inNamespace(NS).withName("p" + i).editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase(phase)
          .withPodIP(p.getMetadata().getName().endsWith("1") ? "10.0.0." + p.getMetadata().getName().length() : null).endStatus().build());
    }
    vertx = Vertx.vertx();
    executor = Executors.newSingleThreadScheduledExecutor();
    Config config = Config.fromKubeconfig(null, Files.readString(cluster.kubeconfig()), cluster.kubeconfig().toString());
    Upstream upstream = Upstream.create(vertx, config, Duration.ofSeconds(5), Clock.systemUTC());
    cache = new WatchCache(Clock.systemUTC());
    reflector = new Reflector("pods", new HttpListerWatcher(upstream, "/api/v1/pods", new JsonFrames(EXTRACTOR, new TypeMeta("Pod", "v1"))),
        cache, executor, null, Math::random, true, 0);
    reflector.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> cache.current().store().listPrefix(NS + "/").size() == 40
        && cache.current().store().listPrefix(NS + "/").stream().allMatch(o -> o.resourceVersion() > 0 && hasPhase(o)));
  }

  static boolean hasPhase(CachedObject o) {
    int i = EXTRACTOR.indexOf("status.phase");
    return o.field(i) != null && !o.field(i).isEmpty();
  }

  @AfterAll
  static void tearDown() {
    if (reflector != null) {
      reflector.stop();
    }
    executor.shutdownNow();
    vertx.close().await();
  }

  static final List<String> LABEL_SELECTORS = List.of("tier=web", "tier==db", "tier!=web", "tier in (web,cache)", "tier notin (web)",
      "canary", "!canary", "tier=web,canary", "n>3", "n<2", "tier in (db),n notin (1,2)", "", "tier=", "missing!=x", "n in (0, 6)");

  static final List<String> FIELD_SELECTORS = List.of("spec.nodeName=node-1", "spec.nodeName=", "spec.nodeName!=", "spec.host=node-2",
      "status.phase=Running", "status.phase!=Running,spec.restartPolicy=Never", "spec.serviceAccountName=robot", "spec.hostNetwork=true",
      "spec.hostNetwork=false", "metadata.name=p7", "metadata.namespace=" + NS, "spec.schedulerName=default-scheduler", "status.podIP=10.0.0.3",
      "status.nominatedNodeName=", "spec.restartPolicy==Always");

  @Test
  void labelSelectorsSelectWhatTheApiserverSelects(LocalCluster cluster) throws Exception {
    for (String s : LABEL_SELECTORS) {
      assertThat(ours(s, "")).as("labelSelector=%s", s).isEqualTo(theirs(cluster, "labelSelector", s));
    }
  }

  @Test
  void fieldSelectorsSelectWhatTheApiserverSelects(LocalCluster cluster) throws Exception {
    for (String s : FIELD_SELECTORS) {
      assertThat(ours("", s)).as("fieldSelector=%s", s).isEqualTo(theirs(cluster, "fieldSelector", s));
    }
  }

  @Test
  void validityAndErrorTextsMatchTheApiserver(LocalCluster cluster) throws Exception {
    for (String s : List.of("tier in web", "x==", "!", "a b", "tier notin ()", "n>x", "bad key=x", "a=" + "v".repeat(64),
        "tier in (a,", "=x", "a=b,", "-a=b", "a/b/c=d", "example.com/a=b", "a=b c")) {
      JsonNode status = status(cluster, "labelSelector", s);
      Result<LabelSelector> ours = LabelSelector.parse(s);
      if (status.path("kind").asText().equals("PodList")) {
        assertThat(ours.isOk()).as("labelSelector=%s accepted upstream", s).isTrue();
      } else {
        assertThat(ours.isOk()).as("labelSelector=%s rejected upstream: %s", s, status).isFalse();
        assertThat(status.path("code").asInt()).as("labelSelector=%s", s).isEqualTo(ours.error().code());
        assertThat(status.path("message").asText()).as("labelSelector=%s", s).isEqualTo(ours.error().message());
      }
    }
    for (String s : List.of("foo=bar", "spec.nodeName~x", "status.phase", "metadata.labels.x=y", "spec.host=", "a=b=c",
        "status.phase=Running,", "metadata.name=a\\,b")) {
      JsonNode status = status(cluster, "fieldSelector", s);
      ApiStatus ours = fieldError(s);
      if (status.path("kind").asText().equals("PodList")) {
        assertThat(ours).as("fieldSelector=%s accepted upstream", s).isNull();
      } else {
        assertThat(ours).as("fieldSelector=%s rejected upstream: %s", s, status).isNotNull();
        assertThat(status.path("code").asInt()).as("fieldSelector=%s", s).isEqualTo(ours.code());
        assertThat(status.path("message").asText()).as("fieldSelector=%s", s).isEqualTo(ours.message());
      }
    }
  }

  static ApiStatus fieldError(String s) {
    Result<FieldSelector> parsed = FieldSelector.parse(s);
    if (!parsed.isOk()) {
      return parsed.error();
    }
    Result<FieldSelector> transformed = parsed.value().transform(POD_FIELDS);
    return transformed.isOk() ? null : transformed.error();
  }

  static TreeSet<String> ours(String label, String field) {
    LabelSelector l = LabelSelector.parse(label).value();
    FieldSelector f = FieldSelector.parse(field).value().transform(POD_FIELDS).value();
    SelectionPredicate p = SelectionPredicate.of(l, f, POD_FIELDS, EXTRACTOR);
    TreeSet<String> names = new TreeSet<>();
    cache.current().store().listPrefix(NS + "/").stream().filter(p::matches).forEach(o -> names.add(o.name()));
    return names;
  }

  static TreeSet<String> theirs(LocalCluster cluster, String param, String value) throws Exception {
    TreeSet<String> names = new TreeSet<>();
    try (HttpClient http = RawHttp.direct(cluster)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/namespaces/" + NS + "/pods?"
          + param + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(param + "=" + value + ": " + r.body()).isEqualTo(200);
      JSON.readTree(r.body()).path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
    }
    return names;
  }

  static JsonNode status(LocalCluster cluster, String param, String value) throws Exception {
    try (HttpClient http = RawHttp.direct(cluster)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(cluster.server().resolve("/api/v1/namespaces/" + NS + "/pods?"
          + param + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    }
  }

}
