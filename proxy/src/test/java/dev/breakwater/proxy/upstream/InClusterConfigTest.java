package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InClusterConfigTest {

  @TempDir Path sa;

  @Test
  void serverCaAndTokenFromThePod() throws Exception {
    Files.writeString(sa.resolve("token"), "first\n");
    Files.writeString(sa.resolve("namespace"), "breakwater");
    Config c = InClusterConfig.load(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "443"), sa);
    assertThat(c.getMasterUrl()).startsWith("https://[fd00::1]:443");
    assertThat(c.getNamespace()).isEqualTo("breakwater");
    assertThat(c.getCaCertFile()).isNull();
    Files.writeString(sa.resolve("ca.crt"), "x");
    assertThat(InClusterConfig.load(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "443"), sa).getCaCertFile())
        .isEqualTo(sa.resolve("ca.crt").toString());
  }

  @Test
  void rotatedTokenIsReadOnRefreshAndAFailedReadKeepsTheLastOne() throws Exception {
    Files.writeString(sa.resolve("token"), "first");
    Config c = InClusterConfig.load(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "443"), sa);
    MutableClock clock = new MutableClock();
    UpstreamCredentials creds = new UpstreamCredentials(c, clock);
    assertThat(creds.authorization()).isEqualTo("Bearer first");
    Files.writeString(sa.resolve("token"), "second");
    creds.refreshIfDue(false);
    assertThat(creds.authorization()).as("not due yet").isEqualTo("Bearer first");
    clock.now = clock.now.plus(UpstreamCredentials.REFRESH_INTERVAL);
    creds.refreshIfDue(false);
    assertThat(creds.authorization()).isEqualTo("Bearer second");
    Files.writeString(sa.resolve("token"), "third");
    creds.refreshIfDue(true); // after a 401
    assertThat(creds.authorization()).isEqualTo("Bearer third");
    Files.delete(sa.resolve("token"));
    creds.refreshIfDue(true);
    assertThat(creds.authorization()).isEqualTo("Bearer third");
  }

  @Test
  void outsideAClusterIsOneLine() throws Exception {
    assertThatThrownBy(() -> InClusterConfig.load(Map.of(), sa))
        .hasMessage("not running in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT unset) and no kubeconfig: "
            + "give --kubeconfig FILE or set $KUBECONFIG");
    assertThatThrownBy(() -> InClusterConfig.load(Map.of("KUBERNETES_SERVICE_HOST", "h", "KUBERNETES_SERVICE_PORT", "443"), sa))
        .hasMessage("in-cluster: cannot read the service account token " + sa.resolve("token")
            + " (is automountServiceAccountToken off?); give --kubeconfig FILE instead");
  }

  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
