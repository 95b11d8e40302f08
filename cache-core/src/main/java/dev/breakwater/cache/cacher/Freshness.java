package dev.breakwater.cache.cacher;

import dev.breakwater.cache.WatchCache;
import java.util.concurrent.CompletableFuture;

/**
 * A cache's freshness for reads that need an RV: {@link #whenFresh} (the cache RV reaches N) and
 * {@link #consistent} (the cache reaches the upstream's current RV as of the request, learned through
 * {@link UpstreamRevision}).
 *
 * <p>Progress: on a quiet resource the cache RV moves only with upstream bookmarks, so a read that
 * will wait first demands progress ({@code demandProgress}: the {@link
 * dev.breakwater.cache.reflector.ProgressSupply}, which keeps a bookmark arriving at every upstream
 * bookmark tick while such reads arrive) — the apiserver's counterpart is its 100 ms etcd
 * progress polling while anyone waits. The demand is made as the read arrives, before the probe
 * answers, so the supply is already running when the proof is needed; the probe itself pushes the
 * upstream's cache to R, so the next tick's bookmark carries ≥ R. A read that will not wait long
 * ({@code progress = false}: a small consistent read with a budget of milliseconds, which goes
 * upstream if not proven by then) makes no demand: a tick is up to 1.25 s away. Callers bound
 * their own wait (3 s).
 *
 * <p>Threading: futures complete on the cache's writer thread (or the probe's). Never blocks.
 */
final class Freshness {

  private final WatchCache cache;
  private final UpstreamRevision upstream;
  private final Runnable demandProgress;

  Freshness(WatchCache cache, UpstreamRevision upstream, Runnable demandProgress) {
    this.cache = cache;
    this.upstream = upstream;
    this.demandProgress = demandProgress;
  }

  /**
   * The cache RV once it holds everything up to the upstream's current RV as of a moment after
   * {@code arrivalNanos}; {@code progress}: demand bookmarks for it (a read that waits).
   */
  CompletableFuture<Long> consistent(long arrivalNanos, boolean progress) {
    if (progress) {
      demandProgress.run();
    }
    return upstream.currentResourceVersion(arrivalNanos).thenCompose(rv -> reached(rv, false));
  }

  /** The cache RV once it is at least {@code rv}; {@code progress}: demand bookmarks while behind (a read that waits). */
  CompletableFuture<Long> whenFresh(long rv, boolean progress) {
    return reached(rv, progress);
  }

  private CompletableFuture<Long> reached(long rv, boolean progress) {
    long now = cache.resourceVersion();
    if (Long.compareUnsigned(now, rv) >= 0) {
      return CompletableFuture.completedFuture(now);
    }
    if (progress) {
      demandProgress.run();
    }
    return cache.whenFresh(rv);
  }
}
