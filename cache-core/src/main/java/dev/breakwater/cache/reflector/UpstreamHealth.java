package dev.breakwater.cache.reflector;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Whether one resource's upstream feed is delivering, for {@code /readyz}, the outage-time metric and the
 * stale-read decision (issue 16). A {@link Reflector.Listener} feeds it: {@link #failed} when a LIST or WATCH
 * could not be made (the reflector backs off), {@link #delivered} when the upstream delivers again (a sync
 * completed, an event or a bookmark arrived). While degraded the cache keeps serving what it holds; this class
 * only keeps the account.
 *
 * <pre>
 *   AVAILABLE ──failed(cause)──► DEGRADED(since, cause) ──delivered──► AVAILABLE (outage time added)
 * </pre>
 *
 * <p>Unavailability, a narrower clock inside DEGRADED: {@code unavailableFor} runs from the first of an unbroken
 * series of {@link UpstreamFailure#UNAVAILABLE} failures (refused, reset, 500/502/503); a failure in which the
 * upstream answered ({@link UpstreamFailure#ANSWERED}: a 429, a 403, …) ends the series, a {@link
 * UpstreamFailure#SLOW} one leaves it as it is, and a delivery ends it with the outage. A slow or throttling
 * upstream is degraded but never unavailable.
 *
 * <p>Concurrency: written by the reflector's thread, read from any thread (request handlers, metric scrapes):
 * every method is synchronized; none blocks. The clock is injected. A {@code null} cause is recorded as
 * "unknown".
 */
public final class UpstreamHealth implements Reflector.Listener {

  /**
   * A point-in-time view. {@code degradedFor} and {@code unavailableFor} are zero and {@code cause} empty when
   * available; {@code unavailableFor} ≤ {@code degradedFor}.
   */
  public record Status(boolean available, Duration degradedFor, String cause, Duration totalOutage, long outages,
      Duration unavailableFor) {

    /** An available feed with this account of past outages. */
    public static Status available(Duration totalOutage, long outages) {
      return new Status(true, Duration.ZERO, "", totalOutage, outages, Duration.ZERO);
    }
  }

  private final InstantSource clock;
  // @GuardedBy("this"): null while available
  private Instant degradedSince;
  // @GuardedBy("this")
  private String cause = "";
  // @GuardedBy("this"): outage time of the outages that ended
  private Duration closedOutages = Duration.ZERO;
  // @GuardedBy("this")
  private long outages;
  // @GuardedBy("this"): null unless the failures since it were all UNAVAILABLE (or SLOW); never before degradedSince
  private Instant unavailableSince;

  public UpstreamHealth(InstantSource clock) {
    this.clock = Objects.requireNonNull(clock);
  }

  /** The feed failed (connection refused, 5xx, garbage): degraded from now unless already. */
  public synchronized void failed(String why, UpstreamFailure kind) {
    Instant now = clock.instant();
    if (degradedSince == null) {
      degradedSince = now;
      outages++;
    }
    cause = why == null ? "unknown" : why;
    switch (kind) {
      case UNAVAILABLE -> {
        if (unavailableSince == null) {
          unavailableSince = now;
        }
      }
      case ANSWERED -> unavailableSince = null;
      case SLOW -> { }
    }
  }

  /** The feed delivers again: the outage, if any, ends now. */
  public synchronized void delivered() {
    if (degradedSince != null) {
      closedOutages = closedOutages.plus(nonNegative(Duration.between(degradedSince, clock.instant())));
      degradedSince = null;
      unavailableSince = null;
      cause = "";
    }
  }

  public synchronized Status status() {
    Instant now = clock.instant();
    Duration open = degradedSince == null ? Duration.ZERO : nonNegative(Duration.between(degradedSince, now));
    Duration unavailable = unavailableSince == null ? Duration.ZERO : nonNegative(Duration.between(unavailableSince, now));
    return new Status(degradedSince == null, open, cause, closedOutages.plus(open), outages, unavailable);
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
  public void onUpstreamFailure(String cause, UpstreamFailure kind) {
    failed(cause, kind);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
