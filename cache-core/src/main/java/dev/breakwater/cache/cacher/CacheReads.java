package dev.breakwater.cache.cacher;

import dev.breakwater.cache.CacheWatcher;
import dev.breakwater.cache.WatchCache;
import dev.breakwater.cache.WatchSink;
import dev.breakwater.cache.delegator.CacheState;
import dev.breakwater.cache.delegator.ResourceScope;
import dev.breakwater.cache.delegator.ServingPath;
import dev.breakwater.cache.status.ApiStatus;
import dev.breakwater.cache.status.Result;
import dev.breakwater.cache.watch.WatchEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The port the edge reads one cached resource through: what {@code delegator.ReadRouting} plans with
 * ({@link #state}, {@link #path}, {@link #scope}), the waits a plan asks for ({@link #whenReady},
 * {@link #fresh}, {@link #whenFresh}), the reads a plan serves ({@link #list}, {@link #get},
 * {@link #watch}) and the codecs they are encoded with. Implemented by the per-resource cache; tests of
 * the edge implement it over an in-memory {@link WatchCache}.
 *
 * <p>Every method is non-blocking and safe from any thread. Futures complete on cache threads:
 * callers hop to their own context before touching a response.
 */
public interface CacheReads {

  /** Whose rules (watch cache or etcd) reads of this resource answer by. */
  ServingPath path();

  ResourceScope scope();

  /** A point-in-time view for the routing decision. */
  CacheState state();

  ResourceCodecs codecs();

  /** {@code group/resource}-style name ({@code configmaps}, {@code deployments.apps}) for logs and metrics. */
  String groupResource();

  /** The apiserver's 404 for object {@code name} of this resource. */
  ApiStatus notFound(String name);

  /**
   * Completes when the cache is ready, or when the upstream refuses its sync ({@link CacheState#refused});
   * never if it stops first; callers bound the wait and plan again.
   */
  CompletableFuture<?> whenReady();

  /**
   * Completes once the cache holds every change up to the upstream's current RV as of a moment
   * after {@code arrivalNanos} (a consistent read), with the cache RV; callers bound the wait.
   */
  CompletableFuture<Long> fresh(long arrivalNanos);

  /**
   * {@link #fresh(long)}; {@code progress} false: the caller will not wait long (a small read with
   * a budget of milliseconds), so no upstream bookmarks are demanded for it.
   */
  default CompletableFuture<Long> fresh(long arrivalNanos, boolean progress) {
    return fresh(arrivalNanos);
  }

  /**
   * Keeps upstream bookmarks coming for a while (the progress supply), without waiting for anything: for a watcher
   * that will want a bookmark carrying a fresh RV soon ({@link dev.breakwater.cache.delegator.ReadRouting#wantsFreshBookmarks}).
   */
  default void demandProgress() {}

  /** Completes once the cache RV is at least {@code resourceVersion}; callers bound the wait. */
  CompletableFuture<Long> whenFresh(long resourceVersion);

  /**
   * {@link #whenFresh(long)}; {@code progress} false: the caller will not wait long (a small read with a budget of
   * milliseconds), so no upstream bookmarks are demanded for it.
   */
  default CompletableFuture<Long> whenFresh(long resourceVersion, boolean progress) {
    return whenFresh(resourceVersion);
  }

  /** The 504 for an RV the cache did not reach in time, worded with the cache RV now. */
  ApiStatus tooLargeResourceVersion(long resourceVersion);

  Result<WatchCache.ListResult> list(WatchCache.ListRequest request);

  Result<WatchCache.GetResult> get(String key, long minResourceVersion);

  Result<CacheWatcher> watch(WatchCache.WatchRequest request, WatchSink sink);

  /** The history after {@code resourceVersion}, or 410 (a watch from it would start upstream). */
  Result<List<WatchEvent>> eventsSince(long resourceVersion);
}
