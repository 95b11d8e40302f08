package dev.breakwater.config;

import java.time.Duration;
import java.util.Set;

/**
 * Which resources Breakwater caches. Resources are named as GroupResource prints them:
 * {@code configmaps}, {@code deployments.apps}, {@code widgets.example.com}.
 *
 * @param include cache only these (empty: every resource with list and watch)
 * @param exclude never cache these (wins over include)
 * @param warm start these caches at launch instead of on first read
 * @param idleTimeout stop a cache no request has used for this long and that has no watchers
 *     ({@link Duration#ZERO}: never)
 * @param serveStaleOnOutage during an upstream outage, serve consistent reads from the cache with a
 *     {@code Warning} instead of failing them ({@code --serve-stale-on-outage}; cache-core {@code StaleReads})
 * @param consistencyCheckInterval compare each cache with the upstream this often, before jitter
 *     ({@link Duration#ZERO}: never; {@code --cache-consistency-check-interval})
 * @param consistentReadBudget how long a small consistent read (a GET, a LIST first page with
 *     {@code limit ≤ 500}) waits for the proof that the cache is fresh before it goes upstream
 *     ({@link Duration#ZERO}: upstream at once, without probing; {@code --consistent-read-budget});
 *     large LISTs and WatchLists always wait for the proof (up to 3 s)
 */
public record CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
    boolean serveStaleOnOutage, Duration consistencyCheckInterval, Duration consistentReadBudget) {

  /** The default consistency check interval: the apiserver's {@code ConsistencyCheckPeriod}. */
  public static final Duration DEFAULT_CONSISTENCY_CHECK_INTERVAL = Duration.ofMinutes(5);

  /**
   * {@code --consistent-read-budget}'s default: none. Measured (BENCHMARKS.md, "Consistent reads of a
   * quiet resource"): on a quiet resource while others are written the proof is never there within a
   * few ms (it comes with the upstream's ~1 s bookmark tick), so a 5 ms budget only added the budget
   * and a probe to every small read (p50 +9 ms, 1.8 upstream requests per read instead of 1).
   */
  public static final Duration DEFAULT_CONSISTENT_READ_BUDGET = Duration.ZERO;

  public static final CachePolicy DEFAULT = new CachePolicy(Set.of(), Set.of(), Set.of(), Duration.ofMinutes(10));

  public CachePolicy {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
    warm = Set.copyOf(warm);
    java.util.Objects.requireNonNull(idleTimeout);
    java.util.Objects.requireNonNull(consistencyCheckInterval);
    java.util.Objects.requireNonNull(consistentReadBudget);
  }

  /** A policy that never serves consistent reads stale (the default), with the default consistency check and budget. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout) {
    this(include, exclude, warm, idleTimeout, false, DEFAULT_CONSISTENCY_CHECK_INTERVAL);
  }

  /** A policy with the default consistency check interval and consistent-read budget. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
      boolean serveStaleOnOutage) {
    this(include, exclude, warm, idleTimeout, serveStaleOnOutage, DEFAULT_CONSISTENCY_CHECK_INTERVAL);
  }

  /** A policy with the default consistent-read budget. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
      boolean serveStaleOnOutage, Duration consistencyCheckInterval) {
    this(include, exclude, warm, idleTimeout, serveStaleOnOutage, consistencyCheckInterval, DEFAULT_CONSISTENT_READ_BUDGET);
  }

  /** This policy with {@code --serve-stale-on-outage} set to {@code on}. */
  public CachePolicy withServeStaleOnOutage(boolean on) {
    return new CachePolicy(include, exclude, warm, idleTimeout, on, consistencyCheckInterval, consistentReadBudget);
  }

  /** This policy with {@code --cache-consistency-check-interval} set to {@code interval}. */
  public CachePolicy withConsistencyCheckInterval(Duration interval) {
    return new CachePolicy(include, exclude, warm, idleTimeout, serveStaleOnOutage, interval, consistentReadBudget);
  }

  /** This policy with {@code --consistent-read-budget} set to {@code budget}. */
  public CachePolicy withConsistentReadBudget(Duration budget) {
    return new CachePolicy(include, exclude, warm, idleTimeout, serveStaleOnOutage, consistencyCheckInterval, budget);
  }

  /** Whether {@code groupResource} may be cached. */
  public boolean allows(String groupResource) {
    return !exclude.contains(groupResource) && (include.isEmpty() || include.contains(groupResource));
  }
}
