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
 */
public record CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
    boolean serveStaleOnOutage, Duration consistencyCheckInterval) {

  /** The default consistency check interval: the apiserver's {@code ConsistencyCheckPeriod}. */
  public static final Duration DEFAULT_CONSISTENCY_CHECK_INTERVAL = Duration.ofMinutes(5);

  public static final CachePolicy DEFAULT = new CachePolicy(Set.of(), Set.of(), Set.of(), Duration.ofMinutes(10));

  public CachePolicy {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
    warm = Set.copyOf(warm);
  }

  /** A policy that never serves consistent reads stale (the default), with the default consistency check. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout) {
    this(include, exclude, warm, idleTimeout, false, DEFAULT_CONSISTENCY_CHECK_INTERVAL);
  }

  /** A policy with the default consistency check interval. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
      boolean serveStaleOnOutage) {
    this(include, exclude, warm, idleTimeout, serveStaleOnOutage, DEFAULT_CONSISTENCY_CHECK_INTERVAL);
  }

  /** A policy that never serves consistent reads stale, checked for consistency every {@code consistencyCheckInterval}. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
      Duration consistencyCheckInterval) {
    this(include, exclude, warm, idleTimeout, false, consistencyCheckInterval);
  }

  /** This policy with {@code --serve-stale-on-outage} set to {@code on}. */
  public CachePolicy withServeStaleOnOutage(boolean on) {
    return new CachePolicy(include, exclude, warm, idleTimeout, on, consistencyCheckInterval);
  }

  /** This policy with {@code --cache-consistency-check-interval} set to {@code interval}. */
  public CachePolicy withConsistencyCheckInterval(Duration interval) {
    return new CachePolicy(include, exclude, warm, idleTimeout, serveStaleOnOutage, interval);
  }

  /** Whether {@code groupResource} may be cached. */
  public boolean allows(String groupResource) {
    return !exclude.contains(groupResource) && (include.isEmpty() || include.contains(groupResource));
  }
}
