package dev.breakwater.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The health check of upstream HTTP/2 connections ({@code --upstream-read-idle-timeout},
 * {@code --upstream-ping-timeout}): client-go's HTTP/2 transport defaults, 30 s and 15 s. A connection is pinged
 * every {@code readIdleTimeout}; one that does not answer within {@code pingTimeout} is closed (its watches and
 * requests fail, the caches' feeds resume from their RV on a new connection). The semantics are cache-core's
 * {@code upstream.ConnectionHealth}.
 *
 * @param readIdleTimeout between PINGs; zero turns the check off
 * @param pingTimeout how long a PING may go unanswered
 */
public record UpstreamHealth(Duration readIdleTimeout, Duration pingTimeout) {

  /** client-go's: {@code HTTP2_READ_IDLE_TIMEOUT_SECONDS}=30, {@code HTTP2_PING_TIMEOUT_SECONDS}=15. */
  public static final UpstreamHealth DEFAULT = new UpstreamHealth(Duration.ofSeconds(30), Duration.ofSeconds(15));

  /** One message per problem: negative durations, or a zero ping timeout while the check is on. */
  public List<String> validate() {
    List<String> errors = new ArrayList<>();
    if (readIdleTimeout.isNegative()) {
      errors.add("--upstream-read-idle-timeout must not be negative");
    }
    if (pingTimeout.isNegative() || (pingTimeout.isZero() && !readIdleTimeout.isZero())) {
      errors.add("--upstream-ping-timeout must be positive");
    }
    return errors;
  }
}
