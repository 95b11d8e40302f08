package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.config.ServeOptions;
import dev.breakwater.e2e.support.Charts;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.BreakwaterServer;
import dev.breakwater.proxy.upstream.InClusterConfig;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart (helm/breakwater) against Helm's own code (helm-java) and the real apiserver:
 * lint --strict and template for several value sets, the schema's refusals, every rendered object
 * accepted by server-side apply with dryRun=All, and the chart's RBAC sufficient and minimal for
 * Breakwater started with the rendered config file and a TokenRequest token of the rendered
 * ServiceAccount, standing in for the pod (KUBERNETES_SERVICE_HOST/PORT, service-account dir).
 */
@ExtendWith(ClusterExtension.class)
class HelmChartE2ETest {

  static final String DELEGATED_CERT_MANAGER = """
      auth: {mode: delegated, impersonate: true}
      tls: {certManager: {enabled: true, issuerRef: {name: ca-issuer}}}
      """;
  static final String SERVICE_MONITOR = "serviceMonitor: {enabled: true, labels: {release: prom}}\n";
  static final String CUSTOM_RESOURCES = """
      config: {cache: {resources: [configmaps, deployments.apps], warm: [configmaps], idleTimeout: 0, serveStaleOnOutage: true},
               memory: {maxInflightBytes: 256Mi, maxWatchQueueBytes: "0"}}
      networkPolicy: {enabled: true, from: [{podSelector: {matchLabels: {role: controller}}}]}
      resources: {limits: {memory: 2Gi}}
      """;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", DELEGATED_CERT_MANAGER, SERVICE_MONITOR, CUSTOM_RESOURCES})
  void lintStrictPasses(String overlay) {
    LintResult r = Charts.lintStrict(overlay);
    assertThat(r.isFailed()).as(String.join("\n", r.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderAHardenedInClusterProxy() {
    List<JsonNode> docs = Charts.documents(Charts.template("bw", "breakwater", ""));
    assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactlyInAnyOrder(
        "ServiceAccount", "Secret", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment", "PodDisruptionBudget");
    JsonNode dep = Charts.find(docs, "Deployment");
    JsonNode pod = dep.path("spec").path("template").path("spec");
    JsonNode c = pod.path("containers").get(0);
    assertThat(dep.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("admin");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/livez");
    assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(pod.path("topologySpreadConstraints").size()).isEqualTo(2);
    assertThat(pod.path("affinity").path("podAntiAffinity").isObject()).isTrue();
    assertThat(c.path("args").toString()).isEqualTo("[\"serve\",\"--config=/etc/breakwater/config/config.yaml\"]");
    // 1Gi limit: -Xmx 70 %, soft target 50 %.
    assertThat(env(c, "JDK_JAVA_OPTIONS")).contains("-Xmx716m", "-XX:SoftMaxHeapSize=512m", "-XX:+UseZGC");
    assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("1Gi");
    JsonNode role = Charts.find(docs, "ClusterRole");
    assertThat(role.path("rules").toString()).isEqualTo("[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
        + "{\"apiGroups\":[\"authentication.k8s.io\"],\"resources\":[\"tokenreviews\"],\"verbs\":[\"create\"]},"
        + "{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"subjectaccessreviews\"],\"verbs\":[\"create\"]}]");
  }

  @Test
  void valueSetsRenderWhatTheyAskFor() {
    List<JsonNode> delegated = Charts.documents(Charts.template("bw", "breakwater", DELEGATED_CERT_MANAGER));
    assertThat(Charts.has(delegated, "Secret")).isFalse();
    JsonNode cert = Charts.find(delegated, "Certificate");
    assertThat(cert.path("spec").path("secretName").asText()).isEqualTo("bw-breakwater-tls");
    assertThat(cert.path("spec").path("dnsNames").toString()).contains("bw-breakwater.breakwater.svc");
    String rules = Charts.find(delegated, "ClusterRole").path("rules").toString();
    assertThat(rules).contains("tokenreviews", "subjectaccessreviews", "impersonate");
    assertThat(configFile(delegated)).contains("auth: delegated");

    List<JsonNode> monitored = Charts.documents(Charts.template("bw", "breakwater", SERVICE_MONITOR));
    JsonNode sm = Charts.find(monitored, "ServiceMonitor");
    assertThat(sm.path("spec").path("endpoints").get(0).path("port").asText()).isEqualTo("admin");
    assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("prom");

    List<JsonNode> custom = Charts.documents(Charts.template("bw", "breakwater", CUSTOM_RESOURCES));
    assertThat(Charts.find(custom, "ClusterRole").path("rules").toString()).isEqualTo(
        "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
            + "{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"get\",\"list\",\"watch\"]},"
            + "{\"apiGroups\":[\"authentication.k8s.io\"],\"resources\":[\"tokenreviews\"],\"verbs\":[\"create\"]},"
            + "{\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"subjectaccessreviews\"],\"verbs\":[\"create\"]}]");
    assertThat(configFile(custom)).contains("cache-resources:\n- configmaps\n- deployments.apps\n", "serve-stale-on-outage: true\n");
    assertThat(Charts.has(custom, "NetworkPolicy")).isTrue();
    assertThat(env(Charts.find(custom, "Deployment").path("spec").path("template").path("spec").path("containers").get(0),
        "JDK_JAVA_OPTIONS")).contains("-Xmx1433m", "-XX:SoftMaxHeapSize=1024m");
  }

  @Test
  void schemaRejectsWrongTypesWithItsMessage() {
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "replicaCount: two\n"))
        .hasMessageContaining("replicaCount").hasMessageContaining("integer");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {cache: {idleTimeout: forever}}\n"))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {cache: {consistencyCheckInterval: often}}\n"))
        .hasMessageContaining("consistencyCheckInterval");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {cache: {consistentReadBudget: soon}}\n"))
        .hasMessageContaining("consistentReadBudget");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "image: {pullPolicy: Sometimes}\n"))
        .hasMessageContaining("pullPolicy");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "replicas: 3\n"))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "tls: {enabled: false}\n"))
        .hasMessageContaining("needs TLS");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "auth: {mode: none}\n"))
        .hasMessageContaining("mode");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {cache: {resources: configmaps}}\n"))
        .hasMessageContaining("resources");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {cache: {serveStaleOnOutage: \"yes\"}}\n"))
        .hasMessageContaining("serveStaleOnOutage");
    assertThatThrownBy(() -> Charts.template("bw", "breakwater", "config: {memory: {maxInflightBytes: 256MB}}\n"))
        .hasMessageContaining("maxInflightBytes");
  }

  @Test
  void defaultConfigFileIsAcceptedByTodaysBinary() throws Exception {
    for (String overlay : List.of("", SERVICE_MONITOR, CUSTOM_RESOURCES)) {
      List<JsonNode> docs = Charts.documents(Charts.template("bw", "breakwater", overlay));
      Path file = Files.writeString(dir.resolve("config.yaml"), configFile(docs));
      ServeConfig c = ServeOptions.parse(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"), dir,
          "--config", file.toString());
      assertThat(c.listen().port()).isEqualTo(8443);
      assertThat(c.adminListen().orElseThrow().port()).isEqualTo(8444);
      assertThat(c.tls()).isTrue();
      assertThat(c.inCluster()).as("no kubeconfig in a pod: in-cluster").isTrue();
      assertThat(c.cacheReads()).isTrue();
      assertThat(c.cachePolicy().serveStaleOnOutage()).as(overlay).isEqualTo(overlay.equals(CUSTOM_RESOURCES));
      assertThat(c.cachePolicy().consistencyCheckInterval()).as("config.cache.consistencyCheckInterval")
          .isEqualTo(java.time.Duration.ofMinutes(5));
      assertThat(c.cachePolicy().consistentReadBudget()).as("config.cache.consistentReadBudget").isEqualTo(java.time.Duration.ZERO);
      assertThat(c.memory()).as("config.memory").isEqualTo(overlay.equals(CUSTOM_RESOURCES)
          ? new dev.breakwater.config.MemoryBudget(256L << 20, 0) : dev.breakwater.config.MemoryBudget.DEFAULT);
      assertThat(c.auth().mode()).as("a cluster proxy authenticates its clients").isEqualTo(dev.breakwater.config.AuthConfig.Mode.DELEGATED);
      // Nothing but the pod's mounts, absent here, stands in the way of starting.
      assertThat(c.validate()).allMatch(e -> e.startsWith("cannot read --tls-"));
    }
  }

  /**
   * Every rendered object is accepted by the apiserver's server-side apply with dryRun=All. Skipped:
   * the cert-manager Certificate and the ServiceMonitor (their CRDs are not installed in the shared
   * fixture cluster, and installing them would change the discovery other tests see).
   */
  @Test
  void everyRenderedObjectPassesServerSideDryRun(KubernetesClient client) {
    String ns = "bw-chart-dryrun";
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    List<String> applied = new ArrayList<>();
    for (String overlay : List.of("", DELEGATED_CERT_MANAGER, SERVICE_MONITOR, CUSTOM_RESOURCES)) {
      for (JsonNode doc : Charts.documents(Charts.template("bw", ns, overlay))) {
        String kind = doc.path("kind").asText();
        if (kind.equals("Certificate") || kind.equals("ServiceMonitor")) {
          continue;
        }
        GenericKubernetesResource r = Charts.YAML.convertValue(doc, GenericKubernetesResource.class);
        GenericKubernetesResource out = client.resource(r).dryRun().fieldManager("helm-chart-test").forceConflicts().serverSideApply();
        assertThat(out.getMetadata().getName()).isEqualTo(r.getMetadata().getName());
        applied.add(kind);
      }
    }
    assertThat(applied).contains("Deployment", "Service", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap",
        "Secret", "PodDisruptionBudget", "NetworkPolicy");
    assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).as("dry run: nothing created").isEmpty();
  }

  /**
   * The chart's RBAC, for real: the rendered ServiceAccount, ClusterRole and binding are created, the
   * ServiceAccount gets a token (TokenRequest), and Breakwater runs with the rendered config file (its
   * paths remapped from the pod's mounts to files here, the listeners moved to free loopback ports by
   * flags, which override the file) as in a pod. It serves LIST, GET and WATCH of the cached
   * resources to a client that authenticates with that token (the chart's --auth=delegated); a
   * resource the chart did not grant is refused with the apiserver's 403; removing any rule makes
   * a named operation fail: a cached resource's LIST (403), the TokenReview of the client (401),
   * its SubjectAccessReview (the apiserver's 500 for an authorizer error).
   */
  @Test
  void rbacIsSufficientAndMinimal(LocalCluster cluster, KubernetesClient admin) throws Exception {
    String ns = "bw-chart-rbac";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    List<JsonNode> docs = Charts.documents(Charts.template("bw", ns, CUSTOM_RESOURCES));
    for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding")) {
      admin.resource(Charts.YAML.convertValue(Charts.find(docs, kind), GenericKubernetesResource.class))
          .fieldManager("helm-chart-test").forceConflicts().serverSideApply();
    }
    admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("seen").endMetadata()
        .addToData("k", "v").build()).serverSideApply();
    String sa = Charts.find(docs, "ServiceAccount").path("metadata").path("name").asText();
    String token = admin.serviceAccounts().inNamespace(ns).withName(sa)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();

    // The pod's mounts, here: service account, config file, serving certificate.
    Path saDir = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(saDir.resolve("token"), token);
    Files.copy(cluster.workDir().resolve("pki/ca.crt"), saDir.resolve("ca.crt"));
    Files.writeString(saDir.resolve("namespace"), ns);
    Path tlsDir = Files.createDirectories(dir.resolve("tls"));
    JsonNode secret = Charts.find(docs, "Secret").path("data");
    for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
      Files.write(tlsDir.resolve(key), Base64.getDecoder().decode(secret.path(key).asText()));
    }
    Path configFile = Files.writeString(dir.resolve("config.yaml"),
        configFile(docs).replace("/etc/breakwater/tls/", tlsDir + "/"));
    JsonNode container = Charts.find(docs, "Deployment").path("spec").path("template").path("spec").path("containers").get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText().replace("/etc/breakwater/config/config.yaml", configFile.toString())));
    assertThat(args.removeFirst()).isEqualTo("serve");
    args.addAll(List.of("--listen=127.0.0.1:0", "--admin-listen=127.0.0.1:0"));
    Map<String, String> podEnv = Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT",
        Integer.toString(cluster.apiServerPort()));
    ServeConfig config = ServeOptions.parse(podEnv, dir, args.toArray(String[]::new));
    assertThat(config.validate()).isEmpty();
    assertThat(config.inCluster()).isTrue();
    assertThat(config.cachePolicy().include()).containsExactlyInAnyOrder("configmaps", "deployments.apps");

    try (BreakwaterServer bw = BreakwaterServer.start(config, InClusterConfig.load(podEnv, saDir));
         KubernetesClient client = clientOf(bw, tlsDir.resolve("ca.crt"), token)) {
      // LIST (all namespaces and one), GET, WATCH of the cached resources.
      assertThat(client.configMaps().inAnyNamespace().list().getItems()).extracting(m -> m.getMetadata().getName()).contains("seen");
      assertThat(client.configMaps().inNamespace(ns).withName("seen").get().getData()).containsEntry("k", "v");
      assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isNotNull();
      List<String> events = new CopyOnWriteArrayList<>();
      try (Watch w = client.configMaps().inNamespace(ns).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, io.fabric8.kubernetes.api.model.ConfigMap cm) {
          events.add(action + " " + cm.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {}
      })) {
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("watched").endMetadata().build())
            .serverSideApply();
        await().atMost(Duration.ofSeconds(15)).until(() -> events.contains("ADDED watched"));
      }
      assertThat(bw.readStats().orElseThrow().listsFromCache.get()).as("served from the cache").isPositive();
      // Minimal: what the chart did not grant is refused (the apiserver's 403, for this client).
      assertThatThrownBy(() -> client.secrets().inNamespace(ns).list())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      // Without a credential of its own a client is not served at all.
      try (KubernetesClient anonymous = clientOf(bw, tlsDir.resolve("ca.crt"), null)) {
        assertThat(status(anonymous, ns, 0)).as("no credentials").isEqualTo(401);
      }
    }

    // Removing any rule makes a named operation fail: checked direct with the token (the apiserver's
    // verdict on the reduced role), then through a fresh Breakwater.
    JsonNode role = Charts.find(docs, "ClusterRole");
    ArrayNode rules = (ArrayNode) role.path("rules");
    List<String> named = List.of("LIST configmaps", "LIST deployments.apps", "create tokenreviews", "create subjectaccessreviews");
    assertThat(rules).hasSameSizeAs(named);
    KubernetesClient direct = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
        .withMasterUrl(cluster.server().toString()).withOauthToken(token).withRequestRetryBackoffLimit(0)
        .withCaCertFile(saDir.resolve("ca.crt").toString()).build()).build();
    for (int removed = 0; removed < rules.size(); removed++) {
      ObjectNode reduced = role.deepCopy();
      ((ArrayNode) reduced.path("rules")).remove(removed);
      admin.resource(Charts.YAML.convertValue(reduced, GenericKubernetesResource.class)).fieldManager("helm-chart-test")
          .forceConflicts().serverSideApply();
      int rule = removed;
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(status(direct, ns, rule)).as("%s without its rule, direct", named.get(rule)).isEqualTo(403));
      try (BreakwaterServer bw = BreakwaterServer.start(config, InClusterConfig.load(podEnv, saDir));
           KubernetesClient client = clientOf(bw, tlsDir.resolve("ca.crt"), token)) {
        switch (rule) {
          case 0, 1 -> {
            assertThat(status(client, ns, rule)).as("%s without its rule, through Breakwater", named.get(rule)).isEqualTo(403);
            assertThat(status(client, ns, 1 - rule)).as("%s, whose rule is kept", named.get(1 - rule)).isEqualTo(200);
          }
          // Breakwater cannot authenticate the client: the apiserver's 401 (fail closed).
          case 2 -> assertThat(status(client, ns, 0)).as("LIST configmaps without tokenreviews").isEqualTo(401);
          // Breakwater cannot authorize the read: the apiserver's 500 for a failing authorizer (fail closed).
          default -> assertThat(status(client, ns, 0)).as("LIST configmaps without subjectaccessreviews").isEqualTo(500);
        }
      }
      admin.resource(Charts.YAML.convertValue(role, GenericKubernetesResource.class)).fieldManager("helm-chart-test")
          .forceConflicts().serverSideApply();
    }
    direct.close();
  }

  /**
   * The status of operation 0 (LIST configmaps), 1 (LIST deployments.apps), 2 (create a TokenReview)
   * or 3 (create a SubjectAccessReview) in {@code ns}.
   */
  static int status(KubernetesClient client, String ns, int operation) {
    try {
      switch (operation) {
        case 0 -> client.configMaps().inNamespace(ns).list();
        case 1 -> client.apps().deployments().inNamespace(ns).list();
        case 2 -> client.resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder().withNewSpec()
            .withToken("not-a-token").endSpec().build()).create();
        default -> client.resource(new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder().withNewSpec()
            .withUser("someone").withNewResourceAttributes().withVerb("list").withResource("configmaps").endResourceAttributes()
            .endSpec().build()).create();
      }
      return 200;
    } catch (KubernetesClientException e) {
      return e.getCode();
    }
  }

  /** A client of {@code bw} that trusts {@code ca} and authenticates with {@code token} (none when null). */
  static KubernetesClient clientOf(BreakwaterServer bw, Path ca, String token) throws Exception {
    Config c = new ConfigBuilder(Config.empty()).withMasterUrl(bw.url()).withOauthToken(token)
        .withCaCertData(Base64.getEncoder().encodeToString(Files.readString(ca).getBytes(StandardCharsets.UTF_8)))
        .withRequestTimeout(30_000).withConnectionTimeout(5_000).withRequestRetryBackoffLimit(0).build();
    return new KubernetesClientBuilder().withConfig(c).build();
  }

  static String configFile(List<JsonNode> docs) {
    return Charts.find(docs, "ConfigMap").path("data").path("config.yaml").asText();
  }

  static String env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return e.path("value").asText();
      }
    }
    throw new AssertionError("no env " + name);
  }
}
