package dev.breakwater.cache.delegator;

import dev.breakwater.cache.reflector.UpstreamFailure;
import java.time.Duration;
import java.util.Objects;

/**
 * {@code --serve-stale-on-outage} (issue 16): whether a consistent read whose freshness could not be confirmed is
 * served from the cache, marked stale, instead of going upstream. Off by default: a consistent read then goes
 * upstream, as the apiserver's falls back to etcd, and gets the upstream's answer — during an outage the
 * pass-through's {@code 503 ServiceUnavailable} Status, the same answer every other request gets.
 *
 * <p>An outage, for this decision, is both:
 * <ul>
 *   <li>the read's own attempt failed as {@link UpstreamFailure#UNAVAILABLE}: the current-RV probe sent for it
 *       was refused, reset, or answered 500/502/503 — so the upstream was not there for this very read;
 *   <li>the resource's feed (the reflector's LIST/WATCH) has been unavailable, by the same measure and without a
 *       delivery in between, for at least {@link #threshold} ({@code UpstreamHealth.Status#unavailableFor}).
 * </ul>
 * A slow upstream is never an outage: a probe that times out ({@link UpstreamFailure#SLOW}, the 3 s bound), a 504, a
 * 429 or any other answer sends the read upstream as before, and so does an outage shorter than the threshold (a
 * restart blip: the client's retry will likely find the upstream back). An upstream that drops packets (nothing
 * refuses, nothing answers) looks slow to a 3 s probe and is not served stale either.
 *
 * <p>A stale read is served at the cache's RV with {@link #warning} as its {@code Warning} header (clients print
 * it: kubectl as {@code Warning: …}, client-go through its warning handler).
 *
 * @param enabled   the flag
 * @param threshold how long the feed must have been unavailable
 */
public record StaleReads(boolean enabled, Duration threshold) {

  /** How long a feed must have been unavailable before its consistent reads may be served stale. */
  public static final Duration OUTAGE_THRESHOLD = Duration.ofSeconds(5);
  /** The default: consistent reads are never served stale. */
  public static final StaleReads OFF = new StaleReads(false, OUTAGE_THRESHOLD);

  public StaleReads {
    Objects.requireNonNull(threshold);
  }

  /** The policy of {@code --serve-stale-on-outage=enabled}, with {@link #OUTAGE_THRESHOLD}. */
  public static StaleReads onOutage(boolean enabled) {
    return new StaleReads(enabled, OUTAGE_THRESHOLD);
  }

  /** Whether a consistent read whose own attempt failed as {@code attempt} may be served from {@code cache}. */
  public boolean serveStale(CacheState cache, UpstreamFailure attempt) {
    return attempt == UpstreamFailure.UNAVAILABLE && outage(cache);
  }

  /**
   * Whether {@code cache}'s feed has been unavailable long enough that its consistent reads may be served stale
   * (if their own attempt fails too). A small consistent read that would go upstream at once
   * ({@code --consistent-read-budget=0}) takes the probing path instead then, so it can be.
   */
  public boolean outage(CacheState cache) {
    return enabled && cache.ready() && cache.upstreamUnavailableFor().compareTo(threshold) >= 0;
  }

  /** The {@code Warning} header of a read served stale at {@code resourceVersion} (RFC 7234 code 299, agent "-"). */
  public static String warning(long resourceVersion) {
    return "299 - \"served from cache while the upstream is unavailable: may be stale (resourceVersion "
        + Long.toUnsignedString(resourceVersion) + ")\"";
  }
}
