package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.config.ServeConfig;
import dev.breakwater.config.ServeOptions;
import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.Charts;
import dev.breakwater.e2e.support.ClusterExtension;
import dev.breakwater.e2e.support.Kubectl;
import dev.breakwater.local.LocalCluster;
import dev.breakwater.proxy.BreakwaterServer;
import dev.breakwater.proxy.Main;
import dev.breakwater.proxy.upstream.InClusterConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two of the three ways to run Breakwater, against the real apiserver: {@code breakwater kubeconfig}
 * (its output used by the fixture's kubectl: get, get -w, apply; {@code --merge} keeping the other
 * contexts byte for byte) and the sidecar example (helm/examples/sidecar.yaml: accepted by the
 * apiserver, and the controller's kubeconfig reaching the sidecar's Breakwater on loopback).
 */
@ExtendWith(ClusterExtension.class)
class DeployModesE2ETest {

  @TempDir Path dir;

  static int cli(String... args) {
    var cl = Main.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    int exit = Main.run(cl, args);
    assertThat(exit).as(err.toString()).isZero();
    return exit;
  }

  @Test
  void kubeconfigCommandOutputDrivesKubectlThroughBreakwater(LocalCluster cluster, Breakwater bw) throws Exception {
    Path out = dir.resolve("bw.kubeconfig");
    cli("kubeconfig", "--server", bw.url(), "--kubeconfig", cluster.kubeconfig().toString(), "--context", "local-token", "--out", out.toString());
    Kubectl kubectl = new Kubectl(out);
    String ns = "bw-kubeconfig-cmd";
    kubectl.run("create", "namespace", ns).assertOk();
    assertThat(kubectl.run("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}").assertOk().stdout())
        .isEqualTo(bw.url());

    Process watch = kubectl.start("get", "configmaps", "-n", ns, "-w", "--no-headers", "-o", "custom-columns=NAME:.metadata.name");
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l.trim());
        }
      } catch (Exception e) {
        // process ended
      }
    });
    try {
      kubectl.run("""
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: applied, namespace: %s}
          data: {k: v}
          """.formatted(ns), Duration.ofSeconds(60), "apply", "-f", "-").assertOk();
      await().atMost(Duration.ofSeconds(20)).until(() -> lines.contains("applied"));
      assertThat(bw.server().streamsInFlight()).as("kubectl's watch is streamed by Breakwater").isPositive();
    } finally {
      watch.destroy();
    }
    assertThat(kubectl.run("get", "configmap", "applied", "-n", ns, "-o", "jsonpath={.data.k}").assertOk().stdout()).isEqualTo("v");
  }

  @Test
  void mergeKeepsTheOtherContextsByteForByte(LocalCluster cluster, Breakwater bw) throws Exception {
    Path file = dir.resolve("config");
    Files.copy(cluster.kubeconfig(), file);
    String original = Files.readString(file);
    cli("kubeconfig", "--server", bw.url(), "--kubeconfig", file.toString(), "--context", "local", "--name", "via-breakwater", "--merge");
    String merged = Files.readString(file);
    String cluster1 = "- name: via-breakwater\n  cluster:\n    server: \"" + bw.url() + "\"\n";
    String context1 = "- name: via-breakwater\n  context:\n    cluster: via-breakwater\n    user: admin\n";
    assertThat(merged).contains(cluster1, context1);
    assertThat(merged.replace(cluster1, "").replace(context1, "")).isEqualTo(original);

    Kubectl kubectl = new Kubectl(file);
    assertThat(kubectl.run("config", "current-context").assertOk().stdout().trim()).as("current-context kept").isEqualTo("local");
    assertThat(kubectl.run("--context", "via-breakwater", "get", "namespace", "default", "-o", "name").assertOk().stdout().trim())
        .isEqualTo("namespace/default");
    assertThat(kubectl.run("--context", "via-breakwater", "config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
        .assertOk().stdout()).isEqualTo(bw.url());
    assertThat(kubectl.run("--context", "local-token", "get", "namespace", "default", "-o", "name").assertOk().stdout().trim())
        .isEqualTo("namespace/default");
  }

  @Test
  void sidecarExampleReachesBreakwaterOnLoopback(LocalCluster cluster, KubernetesClient admin) throws Exception {
    List<JsonNode> docs = Charts.documents(Files.readString(Charts.examples().resolve("sidecar.yaml")));
    String ns = "my-controller";
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
    for (JsonNode doc : docs) {
      GenericKubernetesResource r = Charts.YAML.convertValue(doc, GenericKubernetesResource.class);
      if (r.getMetadata().getNamespace() == null && !doc.path("kind").asText().startsWith("Cluster")) {
        r.getMetadata().setNamespace(ns);
      }
      admin.resource(r).dryRun().fieldManager("sidecar-test").forceConflicts().serverSideApply();
      if (List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding").contains(doc.path("kind").asText())) {
        admin.resource(r).fieldManager("sidecar-test").forceConflicts().serverSideApply();
      }
    }
    admin.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
        .withName("controller-state").endMetadata().build()).serverSideApply();
    String token = admin.serviceAccounts().inNamespace(ns).withName("my-controller")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
    Path sa = Files.createDirectories(dir.resolve("sa"));
    Files.writeString(sa.resolve("token"), token);
    Files.copy(cluster.workDir().resolve("pki/ca.crt"), sa.resolve("ca.crt"));

    // The pod's files, with the loopback port moved to a free one in both (they must agree).
    JsonNode data = Charts.find(docs, "ConfigMap").path("data");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String loopback = "127.0.0.1:" + port;
    Path controllerKubeconfig = Files.writeString(dir.resolve("kubeconfig"), data.path("kubeconfig").asText().replace("127.0.0.1:8001", loopback));
    Path bwConfig = Files.writeString(dir.resolve("breakwater.yaml"), data.path("breakwater.yaml").asText().replace("127.0.0.1:8001", loopback));
    JsonNode pod = Charts.find(docs, "Deployment").path("spec").path("template").path("spec");
    JsonNode sidecar = null;
    JsonNode controller = null;
    for (JsonNode c : pod.path("containers")) {
      if (c.path("name").asText().equals("breakwater")) {
        sidecar = c;
      } else {
        controller = c;
      }
    }
    assertThat(HelmChartE2ETest.env(controller, "KUBECONFIG")).isEqualTo("/etc/controller/kubeconfig");
    List<String> args = new ArrayList<>();
    sidecar.path("args").forEach(a -> args.add(a.asText().replace("/etc/breakwater/breakwater.yaml", bwConfig.toString())));
    assertThat(args.removeFirst()).isEqualTo("serve");
    args.add("--admin-listen=127.0.0.1:0");
    Map<String, String> podEnv = Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(cluster.apiServerPort()));
    ServeConfig config = ServeOptions.parse(podEnv, dir, args.toArray(String[]::new));
    assertThat(config.validate()).isEmpty();
    assertThat(config.listen().toString()).isEqualTo(loopback);

    try (BreakwaterServer bw = BreakwaterServer.start(config, InClusterConfig.load(podEnv, sa))) {
      // kubectl and a fabric8 client (as the controller would: KUBECONFIG) with the controller's kubeconfig.
      assertThat(new Kubectl(controllerKubeconfig).run("get", "configmaps", "-A", "-o", "name").assertOk().stdout())
          .contains("configmap/extension-apiserver-authentication", "configmap/controller-state");
      Config c = Config.fromKubeconfig(null, Files.readString(controllerKubeconfig), controllerKubeconfig.toString());
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(c).build()) {
        assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isNotNull();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isNotEmpty();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> bw.readStats().orElseThrow().listsFromCache.get() > 0);
    }
  }
}
