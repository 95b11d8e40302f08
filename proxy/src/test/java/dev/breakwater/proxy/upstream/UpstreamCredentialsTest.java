package dev.breakwater.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpstreamCredentialsTest {

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static ConfigBuilder base() {
    // Config.empty(): never auto-configure from ~/.kube/config or the environment.
    return new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443");
  }

  @Test
  void bearerToken() {
    assertThat(UpstreamCredentials.headerFor(base().withOauthToken("abc.def").build())).isEqualTo("Bearer abc.def");
  }

  @Test
  void autoOAuthTokenWinsOverStaticToken() {
    Config c = base().withOauthToken("static").withAutoOAuthToken("auto").build();
    assertThat(UpstreamCredentials.headerFor(c)).isEqualTo("Bearer auto");
  }

  @Test
  void basicAuth() {
    String header = UpstreamCredentials.headerFor(base().withUsername("admin").withPassword("pä:ss").build());
    assertThat(header).startsWith("Basic ");
    assertThat(new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8)).isEqualTo("admin:pä:ss");
  }

  @Test
  void tokenWinsOverBasicAuth() {
    Config c = base().withOauthToken("t").withUsername("u").withPassword("p").build();
    assertThat(UpstreamCredentials.headerFor(c)).isEqualTo("Bearer t");
  }

  @Test
  void usernameWithoutPasswordIsNoCredential() {
    assertThat(UpstreamCredentials.headerFor(base().withUsername("u").build())).isNull();
  }

  @Test
  void tokenProviderWinsAndIsAskedEachTime() {
    AtomicInteger calls = new AtomicInteger();
    OAuthTokenProvider provider = () -> "p" + calls.incrementAndGet();
    Config c = base().withOauthToken("static").withOauthTokenProvider(provider).build();
    assertThat(UpstreamCredentials.headerFor(c)).isEqualTo("Bearer p1");
    assertThat(UpstreamCredentials.headerFor(c)).isEqualTo("Bearer p2");
  }

  @Test
  void emptyTokenFromProviderFallsBackToStaticToken() {
    Config c = base().withOauthToken("static").withOauthTokenProvider(() -> "").build();
    assertThat(UpstreamCredentials.headerFor(c)).isEqualTo("Bearer static");
  }

  @Test
  void none() {
    assertThat(UpstreamCredentials.headerFor(base().build())).isNull();
    assertThat(UpstreamCredentials.headerFor(base().withOauthToken("").build())).isNull();
    assertThat(new UpstreamCredentials(base().build(), Clock.systemUTC()).authorization()).isNull();
  }

  @Test
  void refreshIsDueOnlyAfterTheInterval() {
    MutableClock clock = new MutableClock();
    UpstreamCredentials creds = new UpstreamCredentials(base().withOauthToken("t").build(), clock);
    assertThat(creds.refreshDue()).isFalse();
    clock.advance(UpstreamCredentials.REFRESH_INTERVAL.minusMillis(1));
    assertThat(creds.refreshDue()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(creds.refreshDue()).isTrue();
  }

  @Test
  void refreshUsesTheTokenProviderOnlyWhenDueOrForced() {
    MutableClock clock = new MutableClock();
    AtomicInteger calls = new AtomicInteger();
    Config c = base().withOauthTokenProvider(() -> "v" + calls.incrementAndGet()).build();
    UpstreamCredentials creds = new UpstreamCredentials(c, clock);
    assertThat(creds.authorization()).isEqualTo("Bearer v1");

    creds.refreshIfDue(false);
    assertThat(creds.authorization()).as("not due yet").isEqualTo("Bearer v1");

    clock.advance(Duration.ofMinutes(1));
    creds.refreshIfDue(false);
    assertThat(creds.authorization()).startsWith("Bearer v").isNotEqualTo("Bearer v1");
    String afterDue = creds.authorization();
    assertThat(creds.refreshDue()).as("the refresh restarts the interval").isFalse();

    creds.refreshIfDue(true);
    assertThat(creds.authorization()).as("forced after a 401").startsWith("Bearer v").isNotEqualTo(afterDue);
  }

  @Test
  void forcedRefreshRereadsTheKubeconfigFile(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig("first"));
    Config c = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
    UpstreamCredentials creds = new UpstreamCredentials(c, new MutableClock());
    assertThat(creds.authorization()).isEqualTo("Bearer first");

    Files.writeString(kubeconfig, kubeconfig("second"));
    creds.refreshIfDue(false);
    assertThat(creds.authorization()).as("not due, not forced").isEqualTo("Bearer first");
    creds.refreshIfDue(true);
    assertThat(creds.authorization()).isEqualTo("Bearer second");
  }

  @Test
  void failedRefreshKeepsThePreviousHeader() {
    MutableClock clock = new MutableClock();
    AtomicInteger calls = new AtomicInteger();
    OAuthTokenProvider provider = () -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("exec plugin failed");
      }
      return "good";
    };
    UpstreamCredentials creds = new UpstreamCredentials(base().withOauthTokenProvider(provider).build(), clock);
    creds.refreshIfDue(true);
    assertThat(calls.get()).isGreaterThan(1);
    assertThat(creds.authorization()).isEqualTo("Bearer good");
    assertThat(creds.refreshDue()).as("a failed refresh also waits an interval").isFalse();
  }

  static String kubeconfig(String token) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: https://127.0.0.1:6443
        users:
        - name: u
          user:
            token: %s
        contexts:
        - name: ctx
          context:
            cluster: c
            user: u
        current-context: ctx
        """.formatted(token);
  }
}
