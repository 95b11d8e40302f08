package dev.breakwater.cache.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.breakwater.cache.upstream.ConnectionHealth.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionHealthTest {

  static final long S = 1_000_000_000L;
  /** Near Long.MAX_VALUE, so the differences wrap around as nanoTime may. */
  static final long T0 = Long.MAX_VALUE - 10 * S;

  ConnectionHealth health = new ConnectionHealth(Duration.ofSeconds(30), Duration.ofSeconds(15), T0);

  @Test
  void pingsAfterReadIdleAndWaitsForTheAnswer() {
    assertThat(health.tick(T0 + 29 * S)).isEqualTo(Action.WAIT);
    assertThat(health.tick(T0 + 30 * S)).isEqualTo(Action.PING);
    // One PING at a time: the next ticks wait for it.
    assertThat(health.tick(T0 + 31 * S)).isEqualTo(Action.WAIT);
    assertThat(health.tick(T0 + 44 * S)).isEqualTo(Action.WAIT);
    health.heard(T0 + 44 * S);
    assertThat(health.tick(T0 + 73 * S)).isEqualTo(Action.WAIT);
    assertThat(health.tick(T0 + 74 * S)).isEqualTo(Action.PING);
  }

  @Test
  void closesWhenThePingIsNotAnsweredWithinItsTimeoutAndStaysClosed() {
    assertThat(health.tick(T0 + 30 * S)).isEqualTo(Action.PING);
    assertThat(health.tick(T0 + 45 * S - 1)).isEqualTo(Action.WAIT);
    assertThat(health.tick(T0 + 45 * S)).isEqualTo(Action.CLOSE);
    // A late answer does not revive it: the owner has closed the connection.
    health.heard(T0 + 46 * S);
    assertThat(health.tick(T0 + 47 * S)).isEqualTo(Action.CLOSE);
  }

  @Test
  void aZeroReadIdleDisablesTheCheck() {
    ConnectionHealth off = new ConnectionHealth(Duration.ZERO, Duration.ZERO, T0);
    assertThat(off.enabled()).isFalse();
    assertThat(off.tick(T0 + 3600 * S)).isEqualTo(Action.WAIT);
  }

  @Test
  void badDurationsAreRejected() {
    assertThatThrownBy(() -> new ConnectionHealth(Duration.ofSeconds(-1), Duration.ofSeconds(15), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionHealth(Duration.ofSeconds(30), Duration.ofSeconds(-1), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConnectionHealth(Duration.ofSeconds(30), Duration.ZERO, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ticksAQuarterOfTheShorterTimeoutAtLeast50ms() {
    assertThat(health.tickInterval()).isEqualTo(Duration.ofMillis(3750));
    assertThat(new ConnectionHealth(Duration.ofMillis(100), Duration.ofMillis(100), T0).tickInterval()).isEqualTo(Duration.ofMillis(50));
  }
}
