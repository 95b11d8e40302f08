package dev.breakwater.cache.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpstreamHealthTest {

  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  final UpstreamHealth health = new UpstreamHealth(() -> now);

  @Test
  void accountsOutagesFromFirstFailureToDelivery() {
    assertThat(health.status()).isEqualTo(new UpstreamHealth.Status(true, Duration.ZERO, "", Duration.ZERO, 0));
    health.onUpstreamFailure("connection refused");
    now = now.plusSeconds(4);
    health.onUpstreamFailure("connection reset"); // same outage, latest cause
    now = now.plusSeconds(6);
    assertThat(health.status()).isEqualTo(new UpstreamHealth.Status(false, Duration.ofSeconds(10), "connection reset",
        Duration.ofSeconds(10), 1));
    health.onDelivering();
    now = now.plusSeconds(100);
    assertThat(health.status()).isEqualTo(new UpstreamHealth.Status(true, Duration.ZERO, "", Duration.ofSeconds(10), 1));
    health.onUpstreamFailure(null);
    now = now.plusSeconds(1);
    health.onSynced(42);
    assertThat(health.status()).isEqualTo(new UpstreamHealth.Status(true, Duration.ZERO, "", Duration.ofSeconds(11), 2));
  }

  @Test
  void aClockGoingBackwardsNeverMakesNegativeTime() {
    health.failed("x");
    now = now.minusSeconds(5);
    assertThat(health.status().degradedFor()).isZero();
    health.delivered();
    assertThat(health.status().totalOutage()).isZero();
  }
}
