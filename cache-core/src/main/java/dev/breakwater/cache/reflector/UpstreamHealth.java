package dev.breakwater.cache.reflector;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Whether one resource's upstream feed is delivering, for {@code /readyz} and the outage-time metric (issue 16).
 * A {@link Reflector.Listener} feeds it: {@link #failed} when a LIST or WATCH could not be made (the reflector
 * backs off), {@link #delivered} when the upstream delivers again (a sync completed, an event or a bookmark
 * arrived). While degraded the cache keeps serving what it holds; this class only keeps the account.
 *
 * <pre>
 *   AVAILABLE ──failed(cause)──► DEGRADED(since, cause) ──delivered──► AVAILABLE (outage time added)
 * </pre>
 *
 * <p>Concurrency: written by the reflector's thread, read from any thread (request handlers, metric scrapes):
 * every method is synchronized; none blocks. The clock is injected. A {@code null} cause is recorded as
 * "unknown".
 */
public final class UpstreamHealth implements Reflector.Listener {

  /** A point-in-time view. {@code degradedFor} is zero and {@code cause} empty when available. */
  public record Status(boolean available, Duration degradedFor, String cause, Duration totalOutage, long outages) {}

  private final InstantSource clock;
  // @GuardedBy("this"): null while available
  private Instant degradedSince;
  // @GuardedBy("this")
  private String cause = "";
  // @GuardedBy("this"): outage time of the outages that ended
  private Duration closedOutages = Duration.ZERO;
  // @GuardedBy("this")
  private long outages;

  public UpstreamHealth(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock);
  }

  /** The feed failed (connection refused, 5xx, garbage): degraded from now unless already. */
  public synchronized void failed(String why) {
    if (degradedSince == null) {
      degradedSince = clock.instant();
      outages++;
    }
    cause = why == null ? "unknown" : why;
  }

  /** The feed delivers again: the outage, if any, ends now. */
  public synchronized void delivered() {
    if (degradedSince != null) {
      closedOutages = closedOutages.plus(nonNegative(Duration.between(degradedSince, clock.instant())));
      degradedSince = null;
      cause = "";
    }
  }

  public synchronized Status status() {
    Instant now = clock.instant();
    Duration open = degradedSince == null ? Duration.ZERO : nonNegative(Duration.between(degradedSince, now));
    return new Status(degradedSince == null, open, cause, closedOutages.plus(open), outages);
  }

  @Override
  public void onSynced(long resourceVersion) {
    delivered();
  }

  @Override
  public void onDelivering() {
    delivered();
  }

  @Override
  public void onUpstreamFailure(String cause) {
    failed(cause);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
