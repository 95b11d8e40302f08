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
    assertThat(health.status()).isEqualTo(UpstreamHealth.Status.available(Duration.ZERO, 0));
    health.onUpstreamFailure("connection refused", UpstreamFailure.UNAVAILABLE);
    now = now.plusSeconds(4);
    health.onUpstreamFailure("connection reset", UpstreamFailure.UNAVAILABLE); // same outage, latest cause
    now = now.plusSeconds(6);
    assertThat(health.status()).isEqualTo(new UpstreamHealth.Status(false, Duration.ofSeconds(10), "connection reset",
        Duration.ofSeconds(10), 1, Duration.ofSeconds(10)));
    health.onDelivering();
    now = now.plusSeconds(100);
    assertThat(health.status()).isEqualTo(UpstreamHealth.Status.available(Duration.ofSeconds(10), 1));
    health.onUpstreamFailure(null, UpstreamFailure.UNAVAILABLE);
    now = now.plusSeconds(1);
    health.onSynced(42);
    assertThat(health.status()).isEqualTo(UpstreamHealth.Status.available(Duration.ofSeconds(11), 2));
  }

  @Test
  void unavailabilityIsAnUnbrokenSeriesOfUnavailableFailures() {
    health.failed("upstream status 429 TooManyRequests: slow down", UpstreamFailure.ANSWERED);
    now = now.plusSeconds(30);
    assertThat(health.status().degradedFor()).isEqualTo(Duration.ofSeconds(30));
    assertThat(health.status().unavailableFor()).as("a throttling upstream is degraded, not unavailable").isZero();
    health.failed("connection refused", UpstreamFailure.UNAVAILABLE);
    now = now.plusSeconds(3);
    health.failed("request timed out", UpstreamFailure.SLOW); // neither starts nor ends the series
    now = now.plusSeconds(4);
    assertThat(health.status().unavailableFor()).isEqualTo(Duration.ofSeconds(7));
    health.failed("upstream status 403 Forbidden", UpstreamFailure.ANSWERED); // it answered: the series ends
    assertThat(health.status().unavailableFor()).isZero();
    health.failed("upstream status 503 ServiceUnavailable", UpstreamFailure.UNAVAILABLE);
    now = now.plusSeconds(2);
    assertThat(health.status().unavailableFor()).isEqualTo(Duration.ofSeconds(2));
    health.delivered();
    assertThat(health.status().unavailableFor()).isZero();
    health.failed("timed out", UpstreamFailure.SLOW);
    now = now.plusSeconds(60);
    assertThat(health.status().unavailableFor()).as("a slow upstream is never unavailable").isZero();
  }

  @Test
  void aClockGoingBackwardsNeverMakesNegativeTime() {
    health.failed("x", UpstreamFailure.UNAVAILABLE);
    now = now.minusSeconds(5);
    assertThat(health.status().degradedFor()).isZero();
    assertThat(health.status().unavailableFor()).isZero();
    health.delivered();
    assertThat(health.status().totalOutage()).isZero();
  }
}
