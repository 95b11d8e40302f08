package dev.breakwater.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.e2e.support.Breakwater;
import dev.breakwater.e2e.support.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same pass-through against k3s in Docker, for machines that have a Docker engine. Skipped
 * where there is none (as on the machines this project is built on, where the binary fixture is
 * what runs: see the other e2e tests).
 */
@Testcontainers(disabledWithoutDocker = true)
class K3sE2ETest {

  @Container
  static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.33.4-k3s1"));

  @Test
  void kubectlThroughBreakwaterToK3s() throws Exception {
    Path kc = Files.createTempFile("k3s", ".kubeconfig");
    Files.writeString(kc, K3S.getKubeConfigYaml());
    try (Breakwater bw = Breakwater.inFrontOf(kc, Optional.empty())) {
      Kubectl k = new Kubectl(bw.kubeconfig());
      assertThat(k.run("get", "namespaces", "-o", "name").assertOk().stdout()).contains("namespace/kube-system");
      assertThat(k.run("create", "configmap", "k3s-through", "--from-literal=a=b").assertOk().stdout()).contains("created");
      assertThat(k.run("get", "configmap", "k3s-through", "-o", "jsonpath={.data.a}").assertOk().stdout()).isEqualTo("b");
    }
  }
}
