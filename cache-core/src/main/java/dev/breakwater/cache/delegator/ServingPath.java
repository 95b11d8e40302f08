package dev.breakwater.cache.delegator;

/**
 * Which path the upstream apiserver serves a resource from, and therefore whose rules
 * Breakwater must reproduce when it serves that resource from its own cache
 * (SEMANTICS.md, "Two serving paths"): every resource is watch-cached except core and
 * events.k8s.io {@code events}, and any resource with {@code --watch-cache=false} or a
 * {@code res#0} cache size, which the apiserver reads from etcd.
 */
public enum ServingPath {
  /** Limit ignored for RV=0; continue keys {@code "/c2\0"}; RV ahead → wait 3 s then 504 with Retry-After. */
  WATCH_CACHE,
  /** Limit honoured for RV=0; continue keys {@code "c2\0"}; RV ahead → immediate 504 without Retry-After. */
  ETCD
}
