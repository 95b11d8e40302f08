package dev.breakwater.cache.delegator;

import dev.breakwater.cache.status.ApiStatus;
import java.util.Objects;

/**
 * What to do with one read, as {@link ReadRouting} decides it: the complete plan, so that the
 * edge (proxy/) only carries it out. {@code R} is the read the cache runs at the end
 * ({@link ListRead}, {@link GetRead}, or a {@code WatchCache.WatchRequest}).
 *
 * <ul>
 *   <li>{@link Reject}: answer with the apiserver's Status at once.
 *   <li>{@link Delegate}: pass the request upstream unchanged (the apiserver falls back to etcd here
 *       too, or only it can word the answer); {@code why} is for logs.
 *   <li>{@link AwaitReady}: wait for the cache to become ready (bounded: {@link #READY_TIMEOUT_MS}),
 *       then — whether it did or the wait timed out — plan again with {@code waitedForReady = true}.
 *   <li>{@link AwaitFresh}: wait (bounded: {@link #FRESHNESS_TIMEOUT_MS}) until the cache holds every
 *       change up to an RV — the upstream's current RV for a consistent read
 *       ({@link Freshness#CONSISTENT}: learned by a probe sent after the request arrived, and then
 *       bound into the read), or {@code resourceVersion} ({@link Freshness#AT_LEAST}) — then run
 *       {@code then}; on timeout, {@link OnTimeout}. The read's {@link Budget} says how long
 *       ({@link ReadRouting#freshnessWait}): a small one ({@link Budget#SMALL}: a GET or a page of at most
 *       {@link #SMALL_LIST_LIMIT}, consistent or at an RV the cache has not reached) only for the
 *       consistent-read budget (by default none), then upstream; a large one for the proof.
 *   <li>{@link Serve}: run {@code read} against the cache now.
 *   <li>{@link ServeStale}: a consistent read during an upstream outage, with {@code --serve-stale-on-outage}
 *       ({@link StaleReads}): run {@code read} at the cache's RV {@code resourceVersion} (bound into the read as
 *       a confirmed RV would be) and answer with {@code warning} as its {@code Warning} header.
 * </ul>
 *
 * <p>Immutable values; plans compare by value (the routing tables test them so).
 */
public sealed interface ReadPlan<R> {

  /** How long a request waits for a starting cache (then 429, or upstream where the apiserver would use etcd). */
  long READY_TIMEOUT_MS = 10_000;
  /** Go's {@code blockTimeout}: how long a request waits for the cache to reach an RV. */
  long FRESHNESS_TIMEOUT_MS = 3_000;

  /**
   * The longest gap between the upstream's bookmark ticks ({@code cacher.go dispatchEvents}: 1 s, jittered up to
   * 1.25 s). A small read whose budget is longer demands the progress supply's bookmarks (its proof can then come
   * within the budget on a quiet resource); one with a shorter budget does not make the upstream open watches for a
   * proof it would not wait for.
   */
  long BOOKMARK_TICK_MS = 1_250;

  /** Whether a consistent read that waits {@code waitMs} for its proof should demand the progress supply. */
  static boolean demandsProgress(Budget budget, long waitMs) {
    return budget == Budget.PROOF || waitMs > BOOKMARK_TICK_MS;
  }

  /**
   * How long a large consistent read of an etcd-path resource (events) waits for the feed's next event, its only
   * proof of freshness there ({@link ReadRouting#freshnessWait(AwaitFresh, CacheState, ServingPath, StaleReads, long)});
   * also how recent the feed's last event must be for the read to wait at all. The apiserver answers such a read from
   * etcd in tens to hundreds of milliseconds, so a longer wait would make a slower answer than going upstream.
   */
  long ETCD_PATH_WAIT_MS = 1_000;

  /** Which RV an {@link AwaitFresh} waits for. */
  enum Freshness {
    /** The upstream's current RV as of a moment after the request arrived (a consistent read). */
    CONSISTENT,
    /** {@link AwaitFresh#resourceVersion()}. */
    AT_LEAST
  }

  /** The largest {@code limit} of a LIST first page that counts as a {@link Budget#SMALL} read. */
  long SMALL_LIST_LIMIT = 500;

  /**
   * How long a consistent read waits for the proof that the cache is fresh. On a quiet resource the
   * proof is an upstream bookmark, due at the upstream's next ~1 s bookmark tick (see
   * {@code reflector.ProgressSupply}); a small read costs the upstream about as much to answer as the
   * probe itself does, so waiting a second to spare it is the wrong trade.
   */
  enum Budget {
    /** Wait for the proof ({@link #FRESHNESS_TIMEOUT_MS}): large LISTs, WatchLists — the upstream never pays for them. */
    PROOF,
    /**
     * A GET or a LIST first page with {@code 0 < limit ≤} {@link #SMALL_LIST_LIMIT}: served from the
     * cache if proven fresh within the edge's consistent-read budget, else upstream (the apiserver's
     * own answer, exact by construction).
     */
    SMALL
  }

  /** What a timed-out {@link AwaitFresh} becomes. */
  enum OnTimeout {
    /** Pass upstream (consistent reads fall back to etcd; a watch's initial state). */
    DELEGATE,
    /** {@code 504 Too large resource version: N, current: M} with the cache's RV at that moment. */
    TOO_LARGE_RESOURCE_VERSION
  }

  record Reject<R>(ApiStatus status) implements ReadPlan<R> {
    public Reject {
      Objects.requireNonNull(status);
    }
  }

  record Delegate<R>(String why) implements ReadPlan<R> {}

  record AwaitReady<R>() implements ReadPlan<R> {}

  record AwaitFresh<R>(Freshness freshness, long resourceVersion, OnTimeout onTimeout, Serve<R> then, Budget budget)
      implements ReadPlan<R> {
    public AwaitFresh {
      Objects.requireNonNull(freshness);
      Objects.requireNonNull(onTimeout);
      Objects.requireNonNull(then);
      Objects.requireNonNull(budget);
    }

    /** A wait for the proof ({@link Budget#PROOF}). */
    public AwaitFresh(Freshness freshness, long resourceVersion, OnTimeout onTimeout, Serve<R> then) {
      this(freshness, resourceVersion, onTimeout, then, Budget.PROOF);
    }
  }

  record Serve<R>(R read) implements ReadPlan<R> {
    public Serve {
      Objects.requireNonNull(read);
    }
  }

  record ServeStale<R>(R read, long resourceVersion, String warning) implements ReadPlan<R> {
    public ServeStale {
      Objects.requireNonNull(read);
      Objects.requireNonNull(warning);
    }
  }
}
