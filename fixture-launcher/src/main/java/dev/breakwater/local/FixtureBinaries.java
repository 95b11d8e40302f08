package dev.breakwater.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the fixture binaries built by {@code e2e/fixture/build.sh} live: kube-api-test's offline
 * layout {@code <dir>/k8s/1.36.3-linux-amd64/}. Resolution order: system property
 * {@code breakwater.fixture.bin}, env {@code BREAKWATER_FIXTURE_BIN}, then
 * {@code ${BREAKWATER_FIXTURE_DIR:-~/.cache/breakwater/fixture}/k8s/1.36.3-linux-amd64}.
 */
public record FixtureBinaries(Path dir) {

  public static final String KUBERNETES_VERSION = "1.36.3";
  static final List<String> REQUIRED = List.of("kube-apiserver", "etcd", "kubectl", "fake-kubelet", "fixture-certs");

  public static FixtureBinaries locate() {
    String prop = System.getProperty("breakwater.fixture.bin");
    if (prop != null && !prop.isBlank()) {
      return new FixtureBinaries(Path.of(prop));
    }
    String env = System.getenv("BREAKWATER_FIXTURE_BIN");
    if (env != null && !env.isBlank()) {
      return new FixtureBinaries(Path.of(env));
    }
    return new FixtureBinaries(fixtureRoot().resolve("k8s").resolve(KUBERNETES_VERSION + "-linux-amd64"));
  }

  /** The root kube-api-test's offline mode is pointed at ({@code KUBE_API_TEST_DIR}). */
  public static Path fixtureRoot() {
    String root = System.getenv("BREAKWATER_FIXTURE_DIR");
    return root != null && !root.isBlank()
        ? Path.of(root)
        : Path.of(System.getProperty("user.home"), ".cache", "breakwater", "fixture");
  }

  /** Names of required binaries that are missing; empty when the fixture is complete. */
  public List<String> missing() {
    return REQUIRED.stream().filter(b -> !Files.isExecutable(dir.resolve(b))).toList();
  }

  public Path kubeApiServer() {
    return dir.resolve("kube-apiserver");
  }

  public Path etcd() {
    return dir.resolve("etcd");
  }

  public Path kubectl() {
    return dir.resolve("kubectl");
  }

  public Path fakeKubelet() {
    return dir.resolve("fake-kubelet");
  }

  public Path fixtureCerts() {
    return dir.resolve("fixture-certs");
  }
}
