package dev.breakwater.proxy.upstream;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code Authorization} header Breakwater presents upstream, from fabric8's {@link Config}:
 * a bearer token (static, from a token file, from an auth-provider or an exec credential
 * plugin), or basic auth. Client certificates are not here; they live in the TLS options.
 *
 * <p>Refresh mirrors fabric8's {@code TokenRefreshInterceptor}: at most once a minute, and
 * immediately after the upstream answers 401, {@link Config#refresh()} re-reads the kubeconfig
 * (re-running an exec plugin). Refresh may block (it may start a process), so it runs on a
 * worker thread given by the caller, never on an event loop.
 *
 * <p>Concurrency: {@link #authorization()} is called from event loops and only reads a volatile
 * field; {@link #refreshIfDue} runs on one worker at a time (guarded by {@code refreshing}).
 */
public final class UpstreamCredentials {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamCredentials.class);
  static final Duration REFRESH_INTERVAL = Duration.ofMinutes(1);

  private final Clock clock;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Config config;
  private volatile String authorization;
  private volatile Instant lastRefresh;

  public UpstreamCredentials(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.lastRefresh = clock.instant();
    this.authorization = headerFor(config);
  }

  /** The header value to send, or null for none (client-certificate or anonymous access). */
  public String authorization() {
    return authorization;
  }

  /** True when a refresh is due; cheap, callable from an event loop. */
  public boolean refreshDue() {
    return Duration.between(lastRefresh, clock.instant()).compareTo(REFRESH_INTERVAL) >= 0;
  }

  /**
   * Re-reads credentials when due or when {@code force} (after a 401). Blocking: call on a
   * worker thread.
   */
  public void refreshIfDue(boolean force) {
    if (!(force || refreshDue()) || !refreshing.compareAndSet(false, true)) {
      return;
    }
    try {
      Config current = config;
      Config refreshed = current.getFile() != null || current.getOauthTokenProvider() != null ? current.refresh() : current;
      String header = headerFor(refreshed);
      config = refreshed;
      if (header != null) {
        authorization = header;
      }
    } catch (RuntimeException e) {
      LOG.warn("refreshing upstream credentials failed; keeping the previous ones: {}", e.toString());
    } finally {
      lastRefresh = clock.instant();
      refreshing.set(false);
    }
  }

  static String headerFor(Config config) {
    OAuthTokenProvider provider = config.getOauthTokenProvider();
    if (provider != null) {
      String token = provider.getToken();
      if (token != null && !token.isEmpty()) {
        return "Bearer " + token;
      }
    }
    String token = config.getAutoOAuthToken();
    if (token == null || token.isEmpty()) {
      token = config.getOauthToken();
    }
    if (token != null && !token.isEmpty()) {
      return "Bearer " + token;
    }
    if (config.getUsername() != null && config.getPassword() != null) {
      String basic = config.getUsername() + ":" + config.getPassword();
      return "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
    }
    return null;
  }
}
