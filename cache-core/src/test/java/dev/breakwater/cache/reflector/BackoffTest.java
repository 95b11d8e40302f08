package dev.breakwater.cache.reflector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFrom800msUpTo30sWithJitterAndResets() {
    double[] jitter = {0.0};
    Backoff b = new Backoff(() -> jitter[0]);
    assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(800));
    assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(1600));
    jitter[0] = 0.5;
    assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(3200 + 1600));
    jitter[0] = 0.0;
    for (int i = 0; i < 10; i++) {
      b.nextDelay();
    }
    assertThat(b.nextDelay()).isEqualTo(Backoff.MAX);
    jitter[0] = 0.999;
    assertThat(b.nextDelay()).isLessThan(Backoff.MAX.multipliedBy(2)).isGreaterThan(Backoff.MAX);
    b.reset();
    jitter[0] = 0.0;
    assertThat(b.nextDelay()).isEqualTo(Backoff.INITIAL);
  }
}
