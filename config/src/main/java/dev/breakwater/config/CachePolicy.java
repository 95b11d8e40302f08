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
 */
public record CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout,
    boolean serveStaleOnOutage) {

  public static final CachePolicy DEFAULT = new CachePolicy(Set.of(), Set.of(), Set.of(), Duration.ofMinutes(10));

  public CachePolicy {
    include = Set.copyOf(include);
    exclude = Set.copyOf(exclude);
    warm = Set.copyOf(warm);
  }

  /** A policy that never serves consistent reads stale (the default). */
  public CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout) {
    this(include, exclude, warm, idleTimeout, false);
  }

  /** This policy with {@code --serve-stale-on-outage} set to {@code on}. */
  public CachePolicy withServeStaleOnOutage(boolean on) {
    return new CachePolicy(include, exclude, warm, idleTimeout, on);
  }

  /** Whether {@code groupResource} may be cached. */
  public boolean allows(String groupResource) {
    return !exclude.contains(groupResource) && (include.isEmpty() || include.contains(groupResource));
  }
}
