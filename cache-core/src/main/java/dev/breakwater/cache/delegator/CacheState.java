package dev.breakwater.cache.delegator;

import dev.breakwater.cache.status.ApiStatus;

/**
 * What the routing decision needs to know of a cache at the moment of a request: a snapshot of
 * volatile reads (taken by the per-resource cache), so the decision itself stays pure.
 */
public interface CacheState {

  /** The cache has been filled once and is following upstream. */
  boolean ready();

  /** The cache's resourceVersion (the last event or bookmark it applied). */
  long resourceVersion();

  /** A point-in-time snapshot at or below {@code rv} is held (getLessOrEqual would answer). */
  boolean hasSnapshotAtOrBelow(long rv);

  /**
   * The upstream refused the cache's own LIST (401/403/404) and it has not synced since: the upstream
   * answers readers (its 403 is theirs too when they read as Breakwater, and it authorizes before it
   * parses a query).
   */
  default boolean refused() {
    return false;
  }

  /**
   * A consistency check found the cache differs from the upstream and it is being rebuilt (a relist): every read
   * goes upstream until the relist is in, so a known-wrong state is never served.
   */
  default boolean inconsistent() {
    return false;
  }

  /**
   * How long the upstream feed has been unavailable (refused, reset, 5xx) without a delivery in between; zero
   * while it delivers ({@code UpstreamHealth.Status#unavailableFor}; {@link StaleReads}).
   */
  default java.time.Duration upstreamUnavailableFor() {
    return java.time.Duration.ZERO;
  }

  /**
   * How long ago the feed last delivered an event (ADDED, MODIFIED, DELETED; bookmarks and relists do not count);
   * {@link #NO_EVENT} when it has delivered none since the cache started. On the etcd path the next event is a
   * consistent read's only proof ({@link ReadRouting#freshnessWait}), so this says whether one is likely soon.
   */
  default java.time.Duration sinceLastEvent() {
    return NO_EVENT;
  }

  /** {@link #sinceLastEvent} of a cache whose feed has delivered no event yet. */
  java.time.Duration NO_EVENT = java.time.Duration.ofSeconds(Long.MAX_VALUE);

  /** The apiserver's answer for an unready cache ({@code 429 storage is (re)initializing}, Retry-After). */
  ApiStatus unreadyStatus();
}
