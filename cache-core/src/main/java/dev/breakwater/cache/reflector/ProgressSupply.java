package dev.breakwater.cache.reflector;

import dev.breakwater.cache.object.CachedObject;
import dev.breakwater.cache.watch.EventType;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A standing supply of upstream bookmarks for one resource while consistent reads arrive: the HTTP
 * stand-in for the apiserver's etcd {@code RequestWatchProgress} (which it polls every 100 ms while
 * anyone waits; no client-triggered progress request exists over HTTP, kubernetes/kubernetes#127693).
 *
 * <h2>Why short watches</h2>
 * The only proof that the cache holds every event up to an RV R is a bookmark ≥ R on a stream that
 * carries the resource's events. The upstream's cacher sends timer bookmarks only on its
 * {@code wait.Jitter(1 s, 0.25)} tick, and only to watchers whose bookmark bucket is due: buckets are
 * whole seconds since the cacher started, a watcher with {@code timeoutSeconds=T} is due at its
 * deadline − 2 s (otherwise about a minute after it started), {@code T ≤ 2} is never due
 * ({@code cache_watcher.go nextBookmarkTime}, {@code cacher.go watcherBookmarkTimeBuckets}). Each tick
 * pops every bucket up to the current second, and ticks are at least 1 s apart, so each tick pops at
 * least one bucket no earlier tick did. A watch with {@code timeoutSeconds=3} registered at t falls in
 * bucket ⌊t⌋ + 1, is popped by the first tick in or after that second (≤ ~2.25 s later, before its 3 s
 * deadline) and gets a bookmark with the upstream cacher's last processed RV — unless that RV is not
 * above the watch's start RV (the apiserver then sends nothing). Opening one such watch every
 * {@link #OPEN_INTERVAL_MS} (&lt; 1 s, with room for request latency jitter) puts a live watcher in every
 * one-second bucket, so, after the first second, <em>every</em> upstream tick delivers a bookmark: a
 * consistent read whose probe pushed the upstream's cache to R (a consistent {@code LIST ?limit=1}
 * makes the upstream cacher reach R) is proven fresh at the next tick, 0–1.25 s, instead of the 1–2.25 s
 * a single progress watch takes. ConsistentReadLatencyE2ETest checks the premise on the real
 * apiserver.
 *
 * <h2>Why applying these streams is exact</h2>
 * Invariant (the reflector's): the store holds exactly the effect of every event with RV ≤ L, L the
 * reflector's last RV, which only grows while one sync lasts. Each supply watch starts at the L of the
 * moment it is opened, s ≤ L now, and, as any watch from an RV in the upstream's window, delivers
 * <em>every</em> event with RV &gt; s, in RV order, each before any bookmark above it. An event e arriving
 * on it is applied iff rv(e) &gt; L (else it is a copy of one already applied: the invariant). When it is
 * applied nothing between L and rv(e) is missing: such an event f (s &lt; rv(f) &lt; rv(e)) came before e
 * on the same stream, and when it came either rv(f) ≤ L then (applied already) or it was applied then,
 * raising L to at least rv(f); either way L ≥ rv(f) now. By the same argument a bookmark B on the
 * stream means every event ≤ B has been applied (from this stream or another), so raising L to B
 * skips nothing. It does not matter which stream delivers an event first, or how many streams are
 * open: each is a complete ordered suffix from a point the store had already reached. The argument
 * needs the store to have stayed one history since s: a relist (410) or a WatchList re-sync replaces
 * the store and may move L past events a supply stream already delivered and had dropped during the
 * sync, so every stream is tagged with the reflector's sync epoch and ignored once it changes (see
 * {@link Reflector#sideStreamEpoch}). Against several apiserver replicas the argument still holds
 * (RVs are etcd's; a watch from s on any replica is the same suffix).
 *
 * <h2>Cost</h2>
 * Nothing while no consistent read arrives. While they do (and for {@link #LINGER_MS} after the last
 * one): about 1.25 WATCH requests per second to the upstream, each retired at its first bookmark
 * (≤ ~2.25 s), so ~2 streams open; each replays only the events after the cache's RV and then carries
 * the resource's events while open (a busy resource's events cross the wire that many more times).
 *
 * <h2>Bad input</h2>
 * An ERROR on a supply watch (410: the cache's RV left the upstream's window — the main watch relists)
 * or a failed stream just retires it; events and bookmarks not above the cache's RV are dropped as
 * copies; a stream of an older sync epoch is ignored.
 *
 * <p>Concurrency: every state change runs on the reflector's single-threaded {@code executor}
 * (streams' callbacks are re-posted there); {@link #demand} and the getters are safe from any thread
 * and never block.
 */
public final class ProgressSupply {

  /** How often a supply watch is opened: under a second, so that every one-second bucket has one. */
  static final long OPEN_INTERVAL_MS = 800;
  /** The shortest timeout that gets a timer bookmark: due at deadline − 2 s, ~1 s after the start. */
  static final long WATCH_TIMEOUT_SECONDS = 3;
  /** How long the supply keeps going after the last demand. */
  static final long LINGER_MS = 10_000;

  private final Reflector reflector;
  private final ListerWatcher lw;
  private final ScheduledExecutorService executor;
  private final LongSupplier nanoTime;

  /** Written by {@link #demand} (any thread); read on the executor. */
  private volatile long lastDemandNanos;
  /** Whether the opener runs; written on the executor, read by {@link #demand} to skip a hop. */
  private volatile boolean active;
  // Executor thread only.
  private ScheduledFuture<?> opener;
  private final Set<WatchStream> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean stopped;
  /** {@code open.size()}, published for {@link #openStreams} (written on the executor). */
  private volatile int openCount;

  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong bookmarks = new AtomicLong();

  /**
   * @param reflector whose store the streams feed (through its RV-ordered path)
   * @param lw        the upstream (the reflector's)
   * @param executor  the reflector's single-threaded executor
   * @param nanoTime  the clock of the linger ({@link System#nanoTime} in production)
   */
  public ProgressSupply(Reflector reflector, ListerWatcher lw, ScheduledExecutorService executor, LongSupplier nanoTime) {
    this.reflector = reflector;
    this.lw = lw;
    this.executor = executor;
    this.nanoTime = nanoTime;
  }

  /** A consistent read waits (or is about to): keep bookmarks coming for {@link #LINGER_MS} more. Any thread. */
  public void demand() {
    lastDemandNanos = nanoTime.getAsLong();
    if (!active) {
      executor.execute(this::start);
    }
  }

  /** Stops for good: the opener and every open stream. */
  public void stop() {
    executor.execute(() -> {
      stopped = true;
      active = false;
      if (opener != null) {
        opener.cancel(false);
        opener = null;
      }
      for (WatchStream s : open.toArray(WatchStream[]::new)) {
        s.cancel();
      }
      open.clear();
      openCount = 0;
    });
  }

  /** Supply watches opened so far. */
  public long opened() {
    return opened.get();
  }

  /** Bookmarks received on supply watches. */
  public long bookmarks() {
    return bookmarks.get();
  }

  /** Supply watches open now (each until its first bookmark, its end or a stop). */
  public int openStreams() {
    return openCount;
  }

  /** Whether the supply is running (demand within the linger). */
  public boolean active() {
    return active;
  }

  private void start() {
    if (stopped || opener != null) {
      return;
    }
    active = true;
    openOne();
    opener = executor.scheduleWithFixedDelay(this::tick, OPEN_INTERVAL_MS, OPEN_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    if (opener == null) {
      return;
    }
    long lastDemand = lastDemandNanos;
    if (nanoTime.getAsLong() - lastDemand > TimeUnit.MILLISECONDS.toNanos(LINGER_MS)) {
      opener.cancel(false);
      opener = null;
      active = false;
      // A demand() that read active just before it went false did not start the supply; both fields are volatile
      // and each side writes its own before reading the other's, so one of the two sees the other: look again.
      if (nanoTime.getAsLong() - lastDemandNanos <= TimeUnit.MILLISECONDS.toNanos(LINGER_MS)) {
        start();
      }
      return;
    }
    openOne();
  }

  private void openOne() {
    long epoch = reflector.sideStreamEpoch();
    if (epoch < 0) {
      return; // syncing or stopped: nothing to follow yet; the next tick tries again
    }
    long from = reflector.lastResourceVersionOnExecutor();
    opened.incrementAndGet();
    WatchStream[] stream = new WatchStream[1];
    stream[0] = lw.watch(UpstreamWatchOptions.progress(from, WATCH_TIMEOUT_SECONDS), new WatchHandler() {
      @Override
      public void onEvent(EventType type, CachedObject object) {
        executor.execute(() -> reflector.applySideEvent(epoch, type, object));
      }

      @Override
      public void onBookmark(long resourceVersion, boolean initialEventsEnd) {
        executor.execute(() -> {
          bookmarks.incrementAndGet();
          reflector.applySideBookmark(epoch, resourceVersion);
          retire(stream[0]);
        });
      }

      @Override
      public void onError(UpstreamStatusException status) {
        executor.execute(() -> retire(stream[0]));
      }

      @Override
      public void onClosed(Throwable failure) {
        executor.execute(() -> retire(stream[0]));
      }
    });
    // Callbacks run on this executor after this task, so stream[0] is set before any of them.
    open.add(stream[0]);
    openCount = open.size();
  }

  /** Its bookmark is in (later ones would only repeat the next stream's): end it. */
  private void retire(WatchStream s) {
    if (s != null && open.remove(s)) {
      openCount = open.size();
      s.cancel();
    }
  }
}
