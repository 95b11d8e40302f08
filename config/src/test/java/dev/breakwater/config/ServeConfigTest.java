package dev.breakwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeConfigTest {

  @TempDir Path dir;
  Path kubeconfig;
  Path cert;
  Path key;

  @BeforeEach
  void files() throws Exception {
    kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    cert = Files.writeString(dir.resolve("tls.crt"), "cert");
    key = Files.writeString(dir.resolve("tls.key"), "key");
  }

  private ServeConfig config(Path kc, Optional<Path> c, Optional<Path> k, HostPort listen, Optional<HostPort> admin,
      Duration grace, Duration connect) {
    return new ServeConfig(kc, Optional.empty(), listen, admin, c, k, grace, connect);
  }

  private ServeConfig valid() {
    return config(kubeconfig, Optional.empty(), Optional.empty(), new HostPort("127.0.0.1", 8001), Optional.empty(),
        ServeConfig.DEFAULT_SHUTDOWN_GRACE, ServeConfig.DEFAULT_CONNECT_TIMEOUT);
  }

  @Test
  void validConfigHasNoErrors() {
    assertThat(valid().validate()).isEmpty();
    assertThat(valid().tls()).isFalse();
  }

  @Test
  void tlsWithBothFiles() {
    ServeConfig c = config(kubeconfig, Optional.of(cert), Optional.of(key), new HostPort("127.0.0.1", 8443),
        Optional.of(new HostPort("127.0.0.1", 8444)), Duration.ZERO, Duration.ofMillis(1));
    assertThat(c.validate()).isEmpty();
    assertThat(c.tls()).isTrue();
  }

  @Test
  void missingKubeconfig() {
    ServeConfig none = config(null, Optional.empty(), Optional.empty(), new HostPort("127.0.0.1", 1), Optional.empty(),
        Duration.ZERO, Duration.ofSeconds(1));
    // No kubeconfig means in-cluster; whether the pod's service account is there is checked when it is loaded.
    assertThat(none.validate()).isEmpty();
    assertThat(none.inCluster()).isTrue();
    Path absent = dir.resolve("absent");
    ServeConfig missing = config(absent, Optional.empty(), Optional.empty(), new HostPort("127.0.0.1", 1), Optional.empty(),
        Duration.ZERO, Duration.ofSeconds(1));
    assertThat(missing.validate()).containsExactly("cannot read kubeconfig " + absent);
  }

  @Test
  void directoryIsNotAReadableKubeconfig() {
    ServeConfig c = config(dir, Optional.empty(), Optional.empty(), new HostPort("127.0.0.1", 1), Optional.empty(),
        Duration.ZERO, Duration.ofSeconds(1));
    assertThat(c.validate()).containsExactly("cannot read kubeconfig " + dir);
  }

  @Test
  void tlsFlagsMustBePaired() {
    HostPort listen = new HostPort("127.0.0.1", 1);
    assertThat(config(kubeconfig, Optional.of(cert), Optional.empty(), listen, Optional.empty(), Duration.ZERO, Duration.ofSeconds(1))
        .validate()).containsExactly("--tls-cert and --tls-key must be given together");
    ServeConfig keyOnly = config(kubeconfig, Optional.empty(), Optional.of(key), listen, Optional.empty(), Duration.ZERO, Duration.ofSeconds(1));
    assertThat(keyOnly.validate()).containsExactly("--tls-cert and --tls-key must be given together");
    assertThat(keyOnly.tls()).isFalse();
  }

  @Test
  void unreadableTlsFiles() {
    Path nc = dir.resolve("no.crt");
    Path nk = dir.resolve("no.key");
    ServeConfig c = config(kubeconfig, Optional.of(nc), Optional.of(nk), new HostPort("127.0.0.1", 1), Optional.empty(),
        Duration.ZERO, Duration.ofSeconds(1));
    assertThat(c.validate()).containsExactly("cannot read --tls-cert " + nc, "cannot read --tls-key " + nk);
  }

  @Test
  void upstreamHealthFlags() {
    ServeConfig defaults = ServeOptions.parse("--kubeconfig", kubeconfig.toString());
    assertThat(defaults.upstreamHealth()).isEqualTo(UpstreamHealth.DEFAULT);
    assertThat(defaults.upstreamHealth()).isEqualTo(new UpstreamHealth(Duration.ofSeconds(30), Duration.ofSeconds(15)));
    ServeConfig set = ServeOptions.parse("--kubeconfig", kubeconfig.toString(), "--upstream-read-idle-timeout=2s",
        "--upstream-ping-timeout", "500ms");
    assertThat(set.upstreamHealth()).isEqualTo(new UpstreamHealth(Duration.ofSeconds(2), Duration.ofMillis(500)));
    assertThat(set.validate()).isEmpty();
    // 0 turns the check off; then the ping timeout is not used.
    assertThat(ServeOptions.parse("--kubeconfig", kubeconfig.toString(), "--upstream-read-idle-timeout=0",
        "--upstream-ping-timeout=0").validate()).isEmpty();
    assertThat(ServeOptions.parse("--kubeconfig", kubeconfig.toString(), "--upstream-ping-timeout=0").validate())
        .containsExactly("--upstream-ping-timeout must be positive");
    assertThat(defaults.withUpstreamHealth(new UpstreamHealth(Duration.ofSeconds(-1), Duration.ofSeconds(-1))).validate())
        .containsExactly("--upstream-read-idle-timeout must not be negative", "--upstream-ping-timeout must be positive");
  }

  @Test
  void durations() {
    HostPort listen = new HostPort("127.0.0.1", 1);
    assertThat(config(kubeconfig, Optional.empty(), Optional.empty(), listen, Optional.empty(), Duration.ofMillis(-1), Duration.ofSeconds(1))
        .validate()).containsExactly("--shutdown-grace must not be negative");
    assertThat(config(kubeconfig, Optional.empty(), Optional.empty(), listen, Optional.empty(), Duration.ZERO, Duration.ZERO)
        .validate()).containsExactly("--upstream-connect-timeout must be positive");
    assertThat(config(kubeconfig, Optional.empty(), Optional.empty(), listen, Optional.empty(), Duration.ZERO, Duration.ofSeconds(-5))
        .validate()).containsExactly("--upstream-connect-timeout must be positive");
  }

  @Test
  void adminMustDifferFromListenUnlessBothArePortZero() {
    HostPort same = new HostPort("127.0.0.1", 8001);
    assertThat(config(kubeconfig, Optional.empty(), Optional.empty(), same, Optional.of(new HostPort("127.0.0.1", 8001)),
        Duration.ZERO, Duration.ofSeconds(1)).validate()).containsExactly("--admin-listen must differ from --listen");
    HostPort zero = new HostPort("127.0.0.1", 0);
    assertThat(config(kubeconfig, Optional.empty(), Optional.empty(), zero, Optional.of(zero),
        Duration.ZERO, Duration.ofSeconds(1)).validate()).isEmpty();
  }

  @Test
  void everyProblemIsReported() {
    ServeConfig c = config(dir.resolve("absent"), Optional.of(cert), Optional.empty(), new HostPort("h", 1), Optional.of(new HostPort("h", 1)),
        Duration.ofSeconds(-1), Duration.ZERO);
    assertThat(c.validate()).hasSize(6); // the sixth: --auth=none on the non-loopback "h"
  }

  @Test
  void upstreamEndpoints() {
    ServeConfig c = ServeOptions.parse("--kubeconfig", kubeconfig.toString(),
        "--upstream-endpoints=https://10.0.0.1:6443/, http://[::1]:8080", "--upstream-endpoints", "https://cp.example/prefix");
    assertThat(c.validate()).isEmpty();
    assertThat(c.upstreamEndpointUris()).containsExactly(java.net.URI.create("https://10.0.0.1:6443"),
        java.net.URI.create("http://[::1]:8080"), java.net.URI.create("https://cp.example/prefix"));
    assertThat(ServeOptions.parse("--kubeconfig", kubeconfig.toString()).upstreamEndpoints()).as("default: the kubeconfig's server").isEmpty();
    ServeConfig bad = ServeOptions.parse("--kubeconfig", kubeconfig.toString(),
        "--upstream-endpoints=10.0.0.1:6443,ftp://h,https://u@h:1,https://h?x=1,https://h#f,https://h:1/ a,");
    assertThat(bad.validate()).containsExactly(
        "--upstream-endpoints: \"10.0.0.1:6443\" is not an http(s)://host[:port] URL",
        "--upstream-endpoints: \"ftp://h\" is not an http(s)://host[:port] URL",
        "--upstream-endpoints: \"https://u@h:1\" is not an http(s)://host[:port] URL",
        "--upstream-endpoints: \"https://h?x=1\" is not an http(s)://host[:port] URL",
        "--upstream-endpoints: \"https://h#f\" is not an http(s)://host[:port] URL",
        "--upstream-endpoints: \"https://h:1/ a\" is not an http(s)://host[:port] URL");
    assertThatThrownBy(bad::upstreamEndpointUris).hasMessage("--upstream-endpoints: \"10.0.0.1:6443\" is not an http(s)://host[:port] URL");
  }

  @Test
  void optionsParseDefaultsAndFlags() {
    ServeOptions o = new ServeOptions();
    new CommandLine(o).parseArgs("--kubeconfig", kubeconfig.toString(), "--listen", "[::1]:9000",
        "--shutdown-grace", "250ms", "--context", "ctx");
    ServeConfig c = o.toConfig();
    assertThat(c.kubeconfig()).isEqualTo(kubeconfig);
    assertThat(c.context()).contains("ctx");
    assertThat(c.listen()).isEqualTo(new HostPort("::1", 9000));
    assertThat(c.adminListen()).isEmpty();
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.upstreamConnectTimeout()).isEqualTo(ServeConfig.DEFAULT_CONNECT_TIMEOUT);
    assertThat(c.validate()).isEmpty();
  }

  @Test
  void optionsDefaults() {
    ServeOptions o = new ServeOptions();
    new CommandLine(o).parseArgs("--kubeconfig", kubeconfig.toString());
    ServeConfig c = o.toConfig();
    assertThat(c.listen()).isEqualTo(new HostPort("127.0.0.1", 8001));
    assertThat(c.shutdownGrace()).isEqualTo(ServeConfig.DEFAULT_SHUTDOWN_GRACE);
  }
}
