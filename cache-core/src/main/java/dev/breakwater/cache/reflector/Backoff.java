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

  /** The schedule after the upstream refused the sync (401/403/404): 10 s doubling to 5 min. */
  static final Duration REFUSED_INITIAL = Duration.ofSeconds(10);
  static final Duration REFUSED_MAX = Duration.ofMinutes(5);

  private final DoubleSupplier random;
  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(DoubleSupplier random) {
    this(random, INITIAL, MAX);
  }

  Backoff(DoubleSupplier random, Duration initial, Duration max) {
    this.random = random;
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The next delay to wait, jittered; grows the base for the time after. */
  Duration nextDelay() {
    Duration base = next;
    next = base.multipliedBy(2).compareTo(max) > 0 ? max : base.multipliedBy(2);
    return base.plusMillis((long) (base.toMillis() * random.getAsDouble()));
  }

  void reset() {
    next = initial;
  }
}
