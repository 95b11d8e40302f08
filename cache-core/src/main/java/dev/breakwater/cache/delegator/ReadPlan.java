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
 *       {@code then}; on timeout, {@link OnTimeout}.
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

  /** Which RV an {@link AwaitFresh} waits for. */
  enum Freshness {
    /** The upstream's current RV as of a moment after the request arrived (a consistent read). */
    CONSISTENT,
    /** {@link AwaitFresh#resourceVersion()}. */
    AT_LEAST
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

  record AwaitFresh<R>(Freshness freshness, long resourceVersion, OnTimeout onTimeout, Serve<R> then) implements ReadPlan<R> {
    public AwaitFresh {
      Objects.requireNonNull(freshness);
      Objects.requireNonNull(onTimeout);
      Objects.requireNonNull(then);
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
