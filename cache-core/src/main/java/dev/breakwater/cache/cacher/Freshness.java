package dev.breakwater.cache.cacher;

import dev.breakwater.cache.WatchCache;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A cache's freshness for reads that need an RV: {@link #whenFresh} (the cache RV reaches N) and
 * {@link #consistent} (the cache reaches the upstream's current RV as of the request, learned through
 * {@link UpstreamRevision}). While anyone waits, the upstream is asked for progress ({@code
 * requestProgress}: the reflector's short progress watch) at once and every 100 ms, as the apiserver
 * requests etcd watch progress every 100 ms while anyone waits — on a quiet resource the RV would
 * otherwise move only with the next minute's bookmark. The pokes stop when the wait completes or
 * after 5 s; callers bound their own wait (3 s).
 *
 * <p>Threading: futures complete on the cache's writer thread (or the probe's); pokes run on
 * {@code executor}. Never blocks.
 */
final class Freshness {

  static final long POKE_INTERVAL_MS = 100;
  static final long POKE_LIMIT_MS = 5_000;

  private final WatchCache cache;
  private final UpstreamRevision upstream;
  private final Runnable requestProgress;
  private final ScheduledExecutorService executor;

  Freshness(WatchCache cache, UpstreamRevision upstream, Runnable requestProgress, ScheduledExecutorService executor) {
    this.cache = cache;
    this.upstream = upstream;
    this.requestProgress = requestProgress;
    this.executor = executor;
  }

  /** The cache RV once it holds everything up to the upstream's current RV as of a moment after {@code arrivalNanos}. */
  CompletableFuture<Long> consistent(long arrivalNanos) {
    return upstream.currentResourceVersion(arrivalNanos).thenCompose(this::whenFresh);
  }

  /** The cache RV once it is at least {@code rv}; asks for progress while behind. */
  CompletableFuture<Long> whenFresh(long rv) {
    if (Long.compareUnsigned(cache.resourceVersion(), rv) >= 0) {
      return CompletableFuture.completedFuture(cache.resourceVersion());
    }
    CompletableFuture<Long> f = cache.whenFresh(rv);
    requestProgress.run();
    // A progress watch already in flight may have started before this RV existed and end below
    // it: keep asking (one at a time, coalesced by the reflector) while this waiter waits.
    var poke = executor.scheduleWithFixedDelay(() -> {
      if (!f.isDone()) {
        requestProgress.run();
      }
    }, POKE_INTERVAL_MS, POKE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    executor.schedule(() -> poke.cancel(false), POKE_LIMIT_MS, TimeUnit.MILLISECONDS);
    f.whenComplete((v, err) -> poke.cancel(false));
    return f;
  }
}
