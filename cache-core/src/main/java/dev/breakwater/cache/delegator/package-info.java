/**
 * The read path's decision: {@link dev.breakwater.cache.delegator.ReadParams} parses a LIST, GET or WATCH
 * query (selectors, namespace pinning, watch options; clock and randomness injected) and
 * {@link dev.breakwater.cache.delegator.ReadRouting} returns its complete
 * {@link dev.breakwater.cache.delegator.ReadPlan} from the cache's
 * {@link dev.breakwater.cache.delegator.CacheState} and {@link dev.breakwater.cache.delegator.ServingPath}:
 * reject with the apiserver's Status, delegate upstream, wait for readiness, wait for freshness, or serve a
 * {@link dev.breakwater.cache.delegator.ListRead} / {@link dev.breakwater.cache.delegator.GetRead} / watch.
 * Pure functions, table-tested against SEMANTICS.md.
 */
package dev.breakwater.cache.delegator;
