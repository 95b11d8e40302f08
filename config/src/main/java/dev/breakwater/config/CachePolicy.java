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
 */
public record CachePolicy(Set<String> include, Set<String> exclude, Set<String> warm, Duration idleTimeout) {

  public static final CachePolicy DEFAULT = new CachePolicy(Set.of(), Set.of(), Set.of(), Duration.ofMinutes(10));

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
