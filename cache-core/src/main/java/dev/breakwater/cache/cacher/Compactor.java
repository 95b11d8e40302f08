package dev.breakwater.cache.cacher;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Learns the upstream's compacted revision and drops the snapshots older than it, as the apiserver's
 * {@code compactor} (k8s.io/apiserver/pkg/storage/cacher/compactor.go: reads etcd's
 * {@code compact_rev_key} every 15 s and calls {@code watchCache.Compact(rev)}, which is
 * {@code snapshots.RemoveLess(rev)}). A LIST from a dropped snapshot — an Exact or legacy-exact RV, a
 * continue token — then finds none and goes upstream ({@code ReadRouting}), where etcd answers
 * exactly: the rows, or 410 with the apiserver's own body (for a continue: {@code Expired} and the
 * "inconsistent" rv −1 continue token), and the inconsistent token is served from the cache's
 * current state. Without this, snapshots lived for the cache's window (10 min) after the upstream
 * had compacted their revision away (issue 17).
 *
 * <p>How it learns the revision over HTTP, cheaply: etcd's compaction revision is not in any
 * apiserver answer, and the reflector's own watch never sees it (the apiserver's watch cache ignores
 * etcd compaction), so it probes. One {@link #poll} asks the upstream for an Exact
 * {@code LIST ?limit=1&resourceVersion=R} ({@link Target#held}) at the oldest snapshot R any cache
 * holds, on that cache's resource: 200 means every snapshot is still answerable upstream (one small
 * request per poll); 410 means the upstream compacted past R, and a binary search between R and that
 * cache's RV finds the smallest revision still held (⌈log₂(RV − R)⌉ more probes, once per
 * compaction). Whether a revision is held is monotonic (held iff at or above the apiserver's oldest
 * uncompacted snapshot, or etcd's compacted revision), so the search is sound; the bound applies to
 * every cache (etcd compaction is cluster-wide), and dropping a snapshot the upstream still holds
 * only sends a read upstream, which answers it exactly.
 *
 * <p>Bad input: a probe that fails (network, 5xx, anything but 200/410) ends the poll without
 * compacting; the next poll tries again. The known revision never goes backwards.
 *
 * <p>Concurrency: {@link #poll} may be called from any thread; polls do not overlap (a poll while
 * one is running returns that one). Probe futures may complete on any thread; {@link Target#compact}
 * is called on the thread that completes the last probe, and must be safe from any thread
 * ({@code WatchCache.compact} is).
 */
public final class Compactor {

  /** Polling period: the apiserver's {@code compactorPollPeriod}. */
  public static final long POLL_PERIOD_SECONDS = 15;

  /** A cache the compactor keeps in step with the upstream's compaction. */
  public interface Target {
    /** The RV of the oldest snapshot held, or empty. */
    Optional<Long> oldestSnapshot();

    /** The cache's RV (the upstream holds its revision unless it compacted past it). */
    long resourceVersion();

    /** Drops snapshots older than {@code revision}. */
    void compact(long revision);

    /**
     * Whether the upstream still answers an Exact LIST at {@code revision} of this resource (200:
     * true, 410: false); fails on any other answer.
     */
    CompletableFuture<Boolean> held(long revision);
  }

  private final AtomicLong compacted = new AtomicLong();
  private final AtomicLong probes = new AtomicLong();
  private CompletableFuture<Long> running;

  /** The revision below which every snapshot is known to be gone upstream (0: none known). */
  public long compactedRevision() {
    return compacted.get();
  }

  /** Probes sent so far (metrics and tests). */
  public long probes() {
    return probes.get();
  }

  /**
   * One poll over {@code targets}; completes with the known compacted revision after it (0 when
   * none), or exceptionally when a probe failed.
   */
  public synchronized CompletableFuture<Long> poll(Collection<? extends Target> targets) {
    if (running != null && !running.isDone()) {
      return running;
    }
    List<? extends Target> all = List.copyOf(targets);
    compactAll(all, compacted.get());
    Target oldest = null;
    long m = 0;
    for (Target t : all) {
      Optional<Long> o = t.oldestSnapshot();
      if (o.isPresent() && (oldest == null || o.get() < m)) {
        oldest = t;
        m = o.get();
      }
    }
    if (oldest == null) {
      running = CompletableFuture.completedFuture(compacted.get());
      return running;
    }
    Target t = oldest;
    long lo = m;
    running = probe(t, lo).thenCompose(held -> {
      if (held) {
        return CompletableFuture.completedFuture(compacted.get());
      }
      long hi = Math.max(t.resourceVersion(), lo);
      return probe(t, hi).thenCompose(hiHeld -> hiHeld ? search(t, lo, hi) : CompletableFuture.completedFuture(hi + 1))
          .thenApply(rev -> {
            long known = compacted.accumulateAndGet(rev, Math::max);
            compactAll(all, known);
            return known;
          });
    });
    return running;
  }

  /** The smallest held revision in (lo, hi], lo not held and hi held. */
  private CompletableFuture<Long> search(Target t, long lo, long hi) {
    if (hi - lo <= 1) {
      return CompletableFuture.completedFuture(hi);
    }
    long mid = lo + (hi - lo) / 2;
    return probe(t, mid).thenCompose(held -> held ? search(t, lo, mid) : search(t, mid, hi));
  }

  private CompletableFuture<Boolean> probe(Target t, long revision) {
    probes.incrementAndGet();
    return t.held(revision);
  }

  private static void compactAll(List<? extends Target> targets, long revision) {
    if (revision > 0) {
      targets.forEach(t -> t.compact(revision));
    }
  }
}
