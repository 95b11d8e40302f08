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
 * @param consistent     RV unset: the watch starts at the upstream's current RV (a WatchList's initial
 *                       state is taken there; with {@code sendInitialEvents=false} the events after it)
 */
public record WatchQuery(WatchCache.WatchRequest request, boolean continueGiven, boolean watchList, boolean consistent) {

  public WatchQuery {
    Objects.requireNonNull(request);
  }
}
