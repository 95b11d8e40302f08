package dev.breakwater.cache.delegator;

import dev.breakwater.cache.status.ApiStatus;

/**
 * The outcome of {@link ReadRouting#list}: what to do with one LIST.
 *
 * <ul>
 *   <li>{@link Reject}: an error the apiserver would give for these parameters, answered at the
 *       edge.
 *   <li>{@link Delegate}: pass upstream unchanged (the apiserver falls back to etcd here too, or
 *       only it can word the answer).
 *   <li>{@link Consistent}: a consistent read: learn the upstream's current RV, wait until the cache
 *       has it (bounded), serve the current state; on timeout pass upstream.
 *   <li>{@link NotOlderThan}: serve the current state once the cache RV ≥ {@code minResourceVersion}
 *       (0: at once); waiting too long gives {@code 504 TooLargeResourceVersion}.
 *   <li>{@link Exact}: serve the snapshot at {@code resourceVersion} (greatest ≤ it); the response
 *       RV is exactly {@code resourceVersion}.
 * </ul>
 *
 * {@code startKey} is the storage key to start from (inclusive), null for the beginning;
 * {@code honourLimit} is false where the watch cache ignores {@code limit} (RV=0 on its path).
 */
public sealed interface ListDecision {

  record Reject(ApiStatus status) implements ListDecision {}

  record Delegate(String why) implements ListDecision {}

  record Consistent(String startKey) implements ListDecision {}

  record NotOlderThan(long minResourceVersion, boolean honourLimit) implements ListDecision {}

  record Exact(long resourceVersion, String startKey) implements ListDecision {}
}
