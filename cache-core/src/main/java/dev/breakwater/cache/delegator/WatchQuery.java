package dev.breakwater.cache.delegator;

import dev.breakwater.cache.WatchCache;
import java.util.Objects;

/**
 * A parsed WATCH ({@link ReadParams#watch}).
 *
 * @param request        the watch to open (prefix, start RV, sendInitialEvents, bookmarks,
 *                       predicate, deadline)
 * @param continueGiven  a {@code continue} parameter was sent (the apiserver's 422: upstream)
 * @param watchList      a WatchList: the initial state first (RV unset or 0 default to one in 1.36, or
 *                       {@code sendInitialEvents=true})
 * @param consistent     RV unset: the initial state must be consistent (wait for freshness)
 */
public record WatchQuery(WatchCache.WatchRequest request, boolean continueGiven, boolean watchList, boolean consistent) {

  public WatchQuery {
    Objects.requireNonNull(request);
  }
}
