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
 * @param consistencyCheckInterval compare each cache with the upstream this often, before jitter
 *     ({@link Duration#ZERO}: never; {@code --cache-consistency-check-interval})
 */
public record CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
    Duration consistencyCheckInterval) {

  /** The default consistency check interval: the apiserver's {@code ConsistencyCheckPeriod}. */
  public static final Duration DEFAULT_CONSISTENCY_CHECK_INTERVAL = Duration.ofMinutes(5);

  public static final CachePolicy DEFAULT = new CachePolicy(Set.of(), Set.of(), Set.of(), Duration.ofMinutes(10));

  /** A policy with the default consistency check interval. */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout) {
    this(include, exclude, warm, idleTimeout, DEFAULT_CONSISTENCY_CHECK_INTERVAL);
  }

  public CachePolicy withConsistencyCheckInterval(Duration interval) {
    return new CachePolicy(include, exclude, warm, idleTimeout, interval);
  }

  public CachePolicy {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
    warm = Set.copyOf(warm);
  }

  /** Whether {@code groupResource} may be cached. */
  public boolean allows(String groupResource) {
    return !exclude.contains(groupResource) && (include.isEmpty() || include.contains(groupResource));
  }
}
