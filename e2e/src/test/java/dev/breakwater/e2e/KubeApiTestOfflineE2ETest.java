package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.e2e.support.Fixture;
import dev.breakwater.local.FixtureBinaries;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fixture binaries sit in fabric8 kube-api-test's offline layout, so kube-api-test 7.6.1 can
 * start them as is (no download): this is the path for users who prefer its JUnit extension.
 */
class KubeApiTestOfflineE2ETest {

  @Test
  void kubeApiTestStartsTheFixtureBinariesOffline() throws Exception {
    FixtureBinaries bins = Fixture.binaries();
    Path root = bins.dir().getParent().getParent();
    // kube-api-test writes its certificates under the test dir; keep ours apart by linking the binaries.
    Path testDir = Files.createTempDirectory("kube-api-test-");
    Path versionDir = Files.createDirectories(testDir.resolve("k8s"));
    Files.createSymbolicLink(versionDir.resolve(bins.dir().getFileName()), bins.dir());
    assertThat(root.resolve("k8s").resolve(FixtureBinaries.KUBERNETES_VERSION + "-linux-amd64")).isEqualTo(bins.dir());

    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withOfflineMode(true)
        .withApiServerVersion(FixtureBinaries.KUBERNETES_VERSION)
        .withTestDir(testDir.toString())
        .withUpdateKubeConfig(false)
        .build());
    server.start();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build()) {
      assertThat(client.getKubernetesVersion().getGitVersion()).isEqualTo("v1.36.3");
      assertThat(client.namespaces().withName("default").get()).isNotNull();
    } finally {
      server.stop();
    }
  }
}
