package dev.breakwater.proxy.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigWriterTest {

  @TempDir Path dir;

  static final String OTHERS = """
      # my clusters, hand-edited
      apiVersion: v1
      kind: Config
      clusters:
      - cluster:
          certificate-authority: ca.crt   # relative
          server: https://10.0.0.1:6443
        name: prod
      - name: dev
        cluster: {server: "https://dev:6443"}
      users:
      - name: alice
        user:
          client-certificate: alice.crt
          client-key: /abs/alice.key
      contexts:
      - context:
          cluster: prod
          user: alice
          namespace: team-a
        name: prod
      - name: dev
        context: {cluster: dev, user: alice}
      current-context: prod
      preferences: {}
      """;

  KubeconfigWriter.Target target(String server) {
    return new KubeconfigWriter.Target("breakwater", URI.create(server), Optional.empty(), false);
  }

  @Test
  void mergeKeepsEveryOtherByteAndTheMode() throws Exception {
    Path file = Files.writeString(dir.resolve("config"), OTHERS);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    KubeconfigWriter.merge(file, target("https://bw.example:8443"), Optional.empty());
    String merged = Files.readString(file);
    String expectedCluster = "- name: breakwater\n  cluster:\n    server: \"https://bw.example:8443\"\n";
    String expectedContext = "- name: breakwater\n  context:\n    cluster: breakwater\n    user: alice\n    namespace: team-a\n";
    assertThat(merged.replace(expectedCluster, "").replace(expectedContext, "")).isEqualTo(OTHERS);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    // Parsed back: the new context works, the others and the current-context are unchanged.
    Config c = Config.fromKubeconfig("breakwater", merged, file.toString());
    assertThat(c.getMasterUrl()).startsWith("https://bw.example:8443");
    assertThat(c.getNamespace()).isEqualTo("team-a");
    assertThat(Config.fromKubeconfig(null, merged, file.toString()).getCurrentContext().getName()).isEqualTo("prod");
    assertThat(Config.fromKubeconfig("dev", merged, file.toString()).getMasterUrl()).startsWith("https://dev:6443");
    // No temporary file left behind.
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void mergingAgainReplacesOnlyItsOwnEntries() throws Exception {
    Path file = Files.writeString(dir.resolve("config"), OTHERS);
    KubeconfigWriter.merge(file, target("https://one:1"), Optional.of("dev"));
    KubeconfigWriter.merge(file, target("https://two:2"), Optional.of("dev"));
    String merged = Files.readString(file);
    assertThat(merged).doesNotContain("https://one:1").containsOnlyOnce("https://two:2").containsOnlyOnce("- name: breakwater\n  context:");
    assertThat(merged.replace("- name: breakwater\n  cluster:\n    server: \"https://two:2\"\n", "")
        .replace("- name: breakwater\n  context:\n    cluster: breakwater\n    user: alice\n", "")).isEqualTo(OTHERS);
  }

  @Test
  void mergeIntoIndentedAndEmptyLists() throws Exception {
    String indented = "apiVersion: v1\nclusters: []\ncontexts:\n  - name: c\n    context:\n      cluster: a\n      user: u\n"
        + "users:\n  - name: u\n    user: {token: t}\ncurrent-context: c\n";
    Path file = Files.writeString(dir.resolve("config"), indented);
    KubeconfigWriter.merge(file, target("http://127.0.0.1:8001"), Optional.empty());
    String merged = Files.readString(file);
    assertThat(merged).contains("contexts:\n  - name: breakwater\n    context:\n      cluster: breakwater\n      user: u\n  - name: c\n");
    Config c = Config.fromKubeconfig("breakwater", merged, file.toString());
    assertThat(c.getMasterUrl()).startsWith("http://127.0.0.1:8001");
    assertThat(c.getAutoOAuthToken()).isEqualTo("t");
  }

  @Test
  void standaloneCarriesTheCredentialsWithAbsolutePaths() throws Exception {
    Path file = Files.writeString(dir.resolve("config"), OTHERS);
    Path ca = Files.writeString(dir.resolve("bw-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    var t = new KubeconfigWriter.Target("bw", URI.create("https://bw:8443"), Optional.of(ca), false);
    Path out = dir.resolve("out/kubeconfig");
    KubeconfigWriter.writeStandalone(out, t, Optional.of(file), Optional.empty());
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Config c = Config.fromKubeconfig(null, Files.readString(out), out.toString());
    assertThat(c.getCurrentContext().getName()).isEqualTo("bw");
    assertThat(c.getMasterUrl()).startsWith("https://bw:8443");
    assertThat(c.getClientCertFile()).isEqualTo(dir.resolve("alice.crt").toString());
    assertThat(c.getClientKeyFile()).isEqualTo("/abs/alice.key");
    assertThat(c.getCaCertData()).isNotEmpty();
    assertThat(c.getNamespace()).isEqualTo("team-a");
  }

  @Test
  void badInputIsOneLineAndWritesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("config"), OTHERS);
    assertThatThrownBy(() -> KubeconfigWriter.merge(file, target("https://x:1"), Optional.of("nope")))
        .hasMessage("context \"nope\" not found in " + file);
    assertThat(Files.readString(file)).isEqualTo(OTHERS);
    assertThatThrownBy(() -> target("ftp://x")).hasMessageContaining("--server must be an http:// or https:// URL");
    assertThatThrownBy(() -> new KubeconfigWriter.Target("b", URI.create("https://x"), Optional.of(file), true))
        .hasMessage("--certificate-authority and --insecure-skip-tls-verify exclude each other");
    Path broken = Files.writeString(dir.resolve("broken"), "clusters: [\n");
    assertThatThrownBy(() -> KubeconfigWriter.merge(broken, target("https://x:1"), Optional.empty()))
        .hasMessageStartingWith("kubeconfig " + broken + " is not valid YAML");
    Path noCtx = Files.writeString(dir.resolve("noctx"), "apiVersion: v1\nkind: Config\n");
    assertThatThrownBy(() -> KubeconfigWriter.standalone(target("https://x:1"), Optional.of(noCtx), Optional.empty()))
        .hasMessage("kubeconfig " + noCtx + " has no current-context; give --context");
  }
}
