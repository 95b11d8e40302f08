package dev.breakwater.cache.reflector;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Jittered exponential backoff as client-go's reflector uses it
 * ({@code wait.NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)}): the delay doubles from
 * 800 ms up to 30 s, each wait is stretched by up to 100 % random jitter, and a success resets it.
 * Not thread-safe: owned by the reflector's thread.
 */
final class Backoff {

  static final Duration INITIAL = Duration.ofMillis(800);
  static final Duration MAX = Duration.ofSeconds(30);

  private final DoubleSupplier random;
  private Duration next = INITIAL;

  Backoff(DoubleSupplier random) {
    this.random = random;
  }

  /** The next delay to wait, jittered; grows the base for the time after. */
  Duration nextDelay() {
    Duration base = next;
    next = base.multipliedBy(2).compareTo(MAX) > 0 ? MAX : base.multipliedBy(2);
    return base.plusMillis((long) (base.toMillis() * random.getAsDouble()));
  }

  void reset() {
    next = INITIAL;
  }
}
